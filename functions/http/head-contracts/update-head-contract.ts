import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { headContractEntities, loadHeadContract, type HeadContractItem } from '../../../shared/db/head-contracts';
import type { UpdateHeadContractBody } from '../../../shared/api/head-contracts';
import { toHeadContractResponse } from '../../../shared/api/head-contracts-views';
import {
  changedSinceRead,
  duplicateNumber,
  headContractRetainage,
  isFieldError,
  linesExist,
  noSuchHeadContract,
  normalizeHeadContractNumber,
  optionalFields,
  privateListErrors,
  unique,
  visibleHeadContract,
} from './shared';
import { headContractsEdit } from '../../../shared/domain/permission-rules';

type PatchChain = ReturnType<ReturnType<ReturnType<typeof headContractEntities>['HeadContract']['patch']>['set']>;
type PatchCondition = Parameters<PatchChain['where']>[0];

/** The attributes the edit sets and the optional ones it removes (sent as null), once they check out. */
async function checkedEdit(current: HeadContractItem, body: UpdateHeadContractBody) {
  const method = body.accountingMethod ?? current.accountingMethod;
  const methodChanges = method !== current.accountingMethod;
  if (methodChanges && current.lineCount > 0) throw linesExist();
  const errors = await privateListErrors(current.projectId, body.privateUserIds);
  const retainage = headContractRetainage(method, { ...current.retainage, ...body.retainage }, body.retainage?.materialsEnabled);
  if (isFieldError(retainage)) errors.push(retainage);
  if (errors.length || isFieldError(retainage)) throw problems.validation(errors);
  const set = {
    number: body.number ?? current.number,
    title: body.title ?? current.title,
    ownerCompanyName: body.ownerCompanyName ?? current.ownerCompanyName,
    ownerContactEmails: unique(body.ownerContactEmails ?? current.ownerContactEmails),
    status: body.status ?? current.status,
    accountingMethod: method,
    retainage,
    private: body.private ?? current.private,
    privateUserIds: unique(body.privateUserIds ?? current.privateUserIds),
    updatedAt: new Date().toISOString(),
    ...Object.fromEntries(optionalFields.flatMap((field) => (typeof body[field] === 'string' ? [[field, body[field]]] : []))),
  };
  return { set, remove: optionalFields.filter((field) => body[field] === null), methodChanges };
}

/**
 * Writes the edit under the version read (and, when the method changes, while the SOV is still empty);
 * a new number is claimed and the old one released with it, or none of it happens.
 */
async function saveEdit(current: HeadContractItem, edit: Awaited<ReturnType<typeof checkedEdit>>, expectedVersion: number): Promise<HeadContractItem> {
  const { set, remove, methodChanges } = edit;
  const key = { projectId: current.projectId, headContractId: current.headContractId };
  const condition: PatchCondition = (attr, op) =>
    methodChanges ? `${op.eq(attr.version, expectedVersion)} AND ${op.eq(attr.lineCount, 0)}` : op.eq(attr.version, expectedVersion);
  /** Why the conditional write failed, from the item as it is now. */
  const refusal = async () => {
    const now = await loadHeadContract(current.projectId, current.headContractId, { consistent: true });
    if (!now) return noSuchHeadContract();
    if (now.version === expectedVersion && methodChanges && now.lineCount > 0) return linesExist();
    return changedSinceRead(now.version);
  };

  const oldKey = normalizeHeadContractNumber(current.number);
  const newKey = normalizeHeadContractNumber(set.number);
  if (oldKey === newKey) {
    try {
      const update = headContractEntities().HeadContract.patch(key).set(set).add({ version: 1 });
      const { data } = await (remove.length ? update.remove(remove) : update).where(condition).go({ response: 'all_new' });
      return data as HeadContractItem;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw await refusal();
    }
  }
  const outcome = await writeTransactionOver(headContractEntities, ({ HeadContract, HeadContractNumber }) => ({
    contract: (remove.length ? HeadContract.patch(key).set(set).add({ version: 1 }).remove(remove) : HeadContract.patch(key).set(set).add({ version: 1 }))
      .where(condition)
      .commit(),
    oldNumber: HeadContractNumber.delete({ projectId: current.projectId, normalizedNumber: oldKey }).commit(),
    newNumber: HeadContractNumber.create({ projectId: current.projectId, normalizedNumber: newKey, headContractId: current.headContractId }).commit(),
  }));
  if (outcome.canceled) throw await explainFailure(outcome, { contract: refusal, newNumber: () => duplicateNumber(set.number) }, () => problems.busy('head contract'));
  const reloaded = await loadHeadContract(current.projectId, current.headContractId, { consistent: true });
  if (!reloaded) throw noSuchHeadContract();
  return reloaded;
}

export async function updateHeadContract({ path, body, caller, headers }: HttpInput<'updateHeadContract'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  const current = await visibleHeadContract(path.projectId, path.headContractId, member);
  enforce(headContractsEdit, member, current);
  const expectedVersion = requiredIfMatch(headers, current.version);
  if (current.version !== expectedVersion) throw changedSinceRead(current.version);

  const updated = await saveEdit(current, await checkedEdit(current, body), expectedVersion);
  return { body: toHeadContractResponse(updated), headers: { etag: etagFor(updated.version) } };
}
