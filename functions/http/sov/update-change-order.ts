import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { applyChangeOrder, priceChangeOrder, type ChangeOrderLineInput } from '../../../shared/domain/sov';
import type { ChangeOrderItem } from '../../../shared/db/entities/change-order';
import {
  approvalAttempts,
  changeOrderBody,
  commitmentRef,
  contractFor,
  contractRefusal,
  headContractRef,
  loadChangeOrder,
  loadSov,
  noSuchChangeOrder,
  settled,
  sovEntities,
  sovWrites,
  staleChangeOrder,
  type Contract,
} from './shared';
import { changeOrdersApprove, changeOrdersEdit, headContractsEdit } from '../../../shared/domain/permission-rules';

type ChangeOrderKey = { projectId: string; commitmentId: string; changeOrderId: string };
interface ChangeOrderEdit {
  number?: string;
  title?: string;
  description?: string | null;
  lines?: ChangeOrderLineInput[];
  status?: 'approved' | 'void';
}
type ChangeOrderPatch = ReturnType<ReturnType<typeof sovEntities>['ChangeOrder']['patch']>;

/** Number, title and description as sent; `description: null` removes it. */
function withFields(patch: ReturnType<ChangeOrderPatch['set']>, fields: { number?: string; title?: string; description?: string | null }) {
  const set = {
    ...(fields.number !== undefined ? { number: fields.number } : {}),
    ...(fields.title !== undefined ? { title: fields.title } : {}),
    ...(typeof fields.description === 'string' ? { description: fields.description } : {}),
  };
  const withSet = patch.set(set);
  return fields.description === null ? withSet.remove(['description']) : withSet;
}

/** A conditional edit of a pending change order at the If-Match version; a failed condition re-reads to say why. */
async function patchChangeOrder(contract: Contract, key: ChangeOrderKey, expected: number, edit: (patch: ChangeOrderPatch) => ReturnType<ChangeOrderPatch['set']>, current: () => Promise<ChangeOrderItem>) {
  try {
    const { data } = await edit(sovEntities().ChangeOrder.patch(key))
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
      .go({ response: 'all_new' });
    const co = data as ChangeOrderItem;
    return { body: changeOrderBody(contract, co), headers: { etag: etagFor(co.version) } };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    await current();
    throw problems.busy('schedule of values');
  }
}

/**
 * Approves the change order: its lines join the SOV, and the change order, the SOV and the contract's
 * sums move together or not at all. When the SOV changed under it, it re-reads and applies again.
 */
async function approve(contract: Contract, key: ChangeOrderKey, expected: number, current: () => Promise<ChangeOrderItem>, by: string, now: string): Promise<Reply> {
  for (let attempt = 1; attempt <= approvalAttempts; attempt++) {
    const [co, sov] = await Promise.all([current(), loadSov(contract)]);
    const applied = applyChangeOrder(sov.lines, co.lines, contract.accountingMethod, co.changeOrderId, randomUUID);
    const approvedFields = { status: 'approved' as const, lines: applied.lines, totalCents: applied.totalCents, approvedAt: now, approvedBy: by, updatedAt: now };
    // The approval index's partition (an owner invoice's pre-fill lists the period's approvals by it).
    const indexFields = { approvalPartition: key.projectId };
    const outcome = await writeTransactionOver(sovEntities, (entities) => ({
      ...sovWrites(contract, sov, applied.sovLines, now)(entities),
      changeOrder: entities.ChangeOrder.patch(key)
        .set({ ...approvedFields, ...indexFields })
        .add({ version: 1 })
        .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
        .commit(),
    }));
    if (!outcome.canceled) {
      const approved: ChangeOrderItem = { ...co, ...approvedFields, version: co.version + 1 };
      return { body: changeOrderBody(contract, approved), headers: { etag: etagFor(approved.version) } };
    }
    if (outcome.failed.includes('changeOrder')) {
      await current(); // throws the 404, 409 or 412 that now applies
      throw problems.busy('schedule of values');
    }
    if (outcome.failed.includes('contract')) throw await contractRefusal(contract);
    // Someone edited the SOV between our read and write: apply to the SOV as it is now.
    if (!outcome.failed.includes('sov')) break;
  }
  throw problems.busy('schedule of values');
}

/** Edits, approves or voids a pending change order of `contract` at the If-Match version. */
async function edit(contract: Contract, changeOrderId: string, body: ChangeOrderEdit, headers: Record<string, string | undefined>, by: string): Promise<Reply> {
  const { status, ...fields } = body;
  if (status && Object.keys(fields).length > 0) {
    throw problems.validation([{ location: 'body', field: 'status', message: 'Change the status on its own, without other fields' }]);
  }
  const expected = requiredIfMatch(headers);
  const key = { projectId: contract.projectId, commitmentId: contract.contractId, changeOrderId };
  /** The change order as the client expects it: pending, at the If-Match version. */
  const current = async () => {
    const co = await loadChangeOrder(contract, changeOrderId);
    if (!co) throw noSuchChangeOrder();
    if (co.status !== 'pending') throw settled(co);
    if (co.version !== expected) throw staleChangeOrder(co.version);
    return co;
  };
  const now = new Date().toISOString();

  if (status === 'approved') return approve(contract, key, expected, current, by, now);
  if (status === 'void') {
    await current();
    return patchChangeOrder(contract, key, expected, (patch) => patch.set({ status: 'void', updatedAt: now }), current);
  }
  // A pending change order's fields; its lines are priced again against the SOV as it is.
  if (fields.lines) {
    const [, sov] = await Promise.all([current(), loadSov(contract)]);
    const priced = priceChangeOrder(fields.lines, contract.accountingMethod, sov.lines);
    return patchChangeOrder(contract, key, expected, (patch) => withFields(patch.set({ lines: priced.lines, totalCents: priced.totalCents, updatedAt: now }), fields), current);
  }
  await current();
  return patchChangeOrder(contract, key, expected, (patch) => withFields(patch.set({ updatedAt: now }), fields), current);
}

export async function updateChangeOrder({ path, body, caller, headers }: HttpInput<'updateChangeOrder'>): Promise<Reply> {
  const contract = await contractFor(body.status ? changeOrdersApprove : changeOrdersEdit, commitmentRef(path), caller.userId);
  return edit(contract, path.changeOrderId, body, headers, caller.userId);
}

/** A head contract's change orders: creating, editing, approving and voiding are all its admin's edit. */
export async function updateHeadContractChangeOrder({ path, body, caller, headers }: HttpInput<'updateHeadContractChangeOrder'>): Promise<Reply> {
  const contract = await contractFor(headContractsEdit, headContractRef(path), caller.userId);
  return edit(contract, path.changeOrderId, body, headers, caller.userId);
}
