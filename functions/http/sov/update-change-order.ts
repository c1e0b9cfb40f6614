import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { db } from '../../../shared/db/service';
import { writeTransaction } from '../../../shared/db/transaction';
import type { CommitmentItem } from '../../../shared/db/commitments';
import { applyChangeOrder, priceChangeOrder } from '../../../shared/domain/sov';
import type { ChangeOrderItem } from '../../../shared/db/entities/change-order';
import {
  approvalAttempts,
  changeOrderBody,
  commitmentFor,
  commitmentRefusal,
  loadChangeOrder,
  loadSov,
  noSuchChangeOrder,
  settled,
  sovWrites,
  staleChangeOrder,
} from './shared';

type ChangeOrderKey = { projectId: string; commitmentId: string; changeOrderId: string };
type ChangeOrderPatch = ReturnType<ReturnType<typeof db>['ChangeOrder']['patch']>;

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
async function patchChangeOrder(key: ChangeOrderKey, expected: number, edit: (patch: ChangeOrderPatch) => ReturnType<ChangeOrderPatch['set']>, current: () => Promise<ChangeOrderItem>) {
  try {
    const { data } = await edit(db().ChangeOrder.patch(key))
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
      .go({ response: 'all_new' });
    const co = data as ChangeOrderItem;
    return { body: changeOrderBody(co), headers: { etag: etagFor(co.version) } };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    await current();
    throw problems.busy('schedule of values');
  }
}

/**
 * Approves the change order: its lines join the SOV, and the change order, the SOV and the commitment's
 * sums move together or not at all. When the SOV changed under it, it re-reads and applies again.
 */
async function approve(commitment: CommitmentItem, key: ChangeOrderKey, expected: number, current: () => Promise<ChangeOrderItem>, by: string, now: string): Promise<Reply> {
  for (let attempt = 1; attempt <= approvalAttempts; attempt++) {
    const [co, sov] = await Promise.all([current(), loadSov(key.projectId, key.commitmentId)]);
    const applied = applyChangeOrder(sov.lines, co.lines, commitment.accountingMethod, co.changeOrderId, randomUUID);
    const approvedFields = { status: 'approved' as const, lines: applied.lines, totalCents: applied.totalCents, approvedAt: now, approvedBy: by, updatedAt: now };
    const outcome = await writeTransaction((entities) => ({
      ...sovWrites(commitment, sov, applied.sovLines, now)(entities),
      changeOrder: entities.ChangeOrder.patch(key)
        .set(approvedFields)
        .add({ version: 1 })
        .where((attr, op) => `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, 'pending')}`)
        .commit(),
    }));
    if (!outcome.canceled) {
      const approved: ChangeOrderItem = { ...co, ...approvedFields, version: co.version + 1 };
      return { body: changeOrderBody(approved), headers: { etag: etagFor(approved.version) } };
    }
    if (outcome.failed.includes('changeOrder')) {
      await current(); // throws the 404, 409 or 412 that now applies
      throw problems.busy('schedule of values');
    }
    if (outcome.failed.includes('commitment')) throw await commitmentRefusal(commitment);
    // Someone edited the SOV between our read and write: apply to the SOV as it is now.
    if (!outcome.failed.includes('sov')) break;
  }
  throw problems.busy('schedule of values');
}

export async function updateChangeOrder({ path, body, caller, headers }: HttpInput<'updateChangeOrder'>): Promise<Reply> {
  const { status, ...fields } = body;
  const commitment = await commitmentFor(status ? 'change_orders.approve' : 'change_orders.edit', path, caller.userId);
  if (status && Object.keys(fields).length > 0) {
    throw problems.validation([{ location: 'body', field: 'status', message: 'Change the status on its own, without other fields' }]);
  }
  const expected = requiredIfMatch(headers);
  const key = { projectId: path.projectId, commitmentId: path.commitmentId, changeOrderId: path.changeOrderId };
  /** The change order as the client expects it: pending, at the If-Match version. */
  const current = async () => {
    const co = await loadChangeOrder(key.projectId, key.commitmentId, key.changeOrderId);
    if (!co) throw noSuchChangeOrder();
    if (co.status !== 'pending') throw settled(co);
    if (co.version !== expected) throw staleChangeOrder(co.version);
    return co;
  };
  const now = new Date().toISOString();

  if (status === 'approved') return approve(commitment, key, expected, current, caller.userId, now);
  if (status === 'void') {
    await current();
    return patchChangeOrder(key, expected, (patch) => patch.set({ status: 'void', updatedAt: now }), current);
  }
  // A pending change order's fields; its lines are priced again against the SOV as it is.
  if (fields.lines) {
    const [, sov] = await Promise.all([current(), loadSov(key.projectId, key.commitmentId)]);
    const priced = priceChangeOrder(fields.lines, commitment.accountingMethod, sov.lines);
    return patchChangeOrder(key, expected, (patch) => withFields(patch.set({ lines: priced.lines, totalCents: priced.totalCents, updatedAt: now }), fields), current);
  }
  await current();
  return patchChangeOrder(key, expected, (patch) => withFields(patch.set({ updatedAt: now }), fields), current);
}
