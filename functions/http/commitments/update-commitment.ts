import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems, type FieldError } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { enforce, enforceRefusal, loadProjectAccess } from '../../../shared/http/access';
import { commitmentActionRefusal } from '../../../shared/domain/allowed-actions';
import { mergeRetainage } from '../../../shared/domain/project-settings';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { namedTaskWrites, planContactTasks, type TaskPlan } from '../../../shared/db/tasks';
import { commitmentEntities, commitmentSearchText, loadCommitment, normalizeCommitmentNumber, type CommitmentItem } from '../../../shared/db/commitments';
import type { UpdateCommitmentBody } from '../../../shared/api/commitments';
import { commitmentViewFor } from '../../../shared/api/commitments-views';
import {
  actionsFor,
  duplicateNumber,
  fieldError,
  isFieldError,
  linesExist,
  noSuchCommitment,
  optionalFields,
  participantErrors,
  retainageFor,
  ssovNeedsAmounts,
  unique,
  vendorOfProject,
  visibleCommitment,
  type PatchCondition,
} from './shared';
import { commitmentsEdit } from '../../../shared/domain/permission-rules';

const changedSinceRead = (version: number) => problems.preconditionFailed(`The commitment changed since you read it (now ${etagFor(version)}); read it again.`);

/** The vendor, accounting method, retainage and contacts the edit leaves, once they check out (409 for the method, else 400 naming each field). */
async function checkedEdit(current: CommitmentItem, body: UpdateCommitmentBody) {
  const errors: FieldError[] = [];
  const vendorChanges = body.vendorId !== undefined && body.vendorId !== current.vendorId;
  const vendor = vendorChanges ? await vendorOfProject(current.projectId, body.vendorId!) : undefined;
  if (vendorChanges && !vendor) errors.push(fieldError('vendorId', 'Not a vendor of this project'));
  const vendorId = vendor?.vendorId ?? current.vendorId;

  const method = body.accountingMethod ?? current.accountingMethod;
  const methodChanges = method !== current.accountingMethod;
  if (methodChanges && current.lineCount > 0) throw linesExist();
  const ssovEnabled = body.ssovEnabled ?? current.ssovEnabled;
  if (method === 'unit' && ssovEnabled) {
    throw body.ssovEnabled ? ssovNeedsAmounts() : problems.conflict('Disable the subcontractor SOV before switching to unit-based accounting.');
  }
  const retainage = retainageFor(method, mergeRetainage(current.retainage, body.retainage ?? {}), body.retainage?.materialsEnabled);
  if (isFieldError(retainage)) errors.push(retainage);

  const invoiceContactIds = unique(body.invoiceContactIds ?? current.invoiceContactIds);
  // Contacts are checked when they are sent, or when the vendor they must belong to changes.
  const checkContacts = body.invoiceContactIds !== undefined || vendorChanges;
  if (vendor || !vendorChanges) {
    const contacts = checkContacts ? { ids: body.invoiceContactIds ?? invoiceContactIds, field: 'invoiceContactIds' } : undefined;
    const participants = await participantErrors(current.projectId, vendorId, contacts, body.privateUserIds);
    if (body.invoiceContactIds === undefined && participants.some((e) => e.field.startsWith('invoiceContactIds'))) {
      errors.push(fieldError('invoiceContactIds', 'The current invoice contacts are not users of the new vendor; send invoiceContactIds for it'));
      errors.push(...participants.filter((e) => !e.field.startsWith('invoiceContactIds')));
    } else errors.push(...participants);
  }
  if (errors.length || isFieldError(retainage)) throw problems.validation(errors);
  return { vendorId, vendorName: vendor?.name ?? current.vendorName, method, methodChanges, ssovEnabled, retainage, invoiceContactIds };
}

/** The attributes the edit sets and the optional ones it removes (sent as null). */
function editedFields(current: CommitmentItem, body: UpdateCommitmentBody, checked: Awaited<ReturnType<typeof checkedEdit>>) {
  const number = body.number ?? current.number;
  const title = body.title ?? current.title;
  const set = {
    number,
    title,
    vendorId: checked.vendorId,
    vendorName: checked.vendorName,
    status: body.status ?? current.status,
    accountingMethod: checked.method,
    retainage: checked.retainage,
    private: body.private ?? current.private,
    privateUserIds: unique([...(body.privateUserIds ?? current.privateUserIds), ...checked.invoiceContactIds]),
    invoiceContactIds: checked.invoiceContactIds,
    ssovEnabled: checked.ssovEnabled,
    paymentsIssuedEnabled: body.paymentsIssuedEnabled ?? current.paymentsIssuedEnabled,
    searchText: commitmentSearchText({ number, title, vendorName: checked.vendorName }),
    updatedAt: new Date().toISOString(),
    ...Object.fromEntries(optionalFields.flatMap((field) => (typeof body[field] === 'string' ? [[field, body[field]]] : []))),
  };
  return { set, remove: optionalFields.filter((field) => body[field] === null) };
}

/**
 * Writes the edit under the version read (and, when the method changes, while the SOV is still empty);
 * a new number is claimed and the old one released with it, and the open tasks follow changed
 * contacts (`tasks`), or none of it happens.
 */
async function saveEdit(
  current: CommitmentItem,
  edit: ReturnType<typeof editedFields>,
  expectedVersion: number,
  methodChanges: boolean,
  tasks: TaskPlan,
): Promise<CommitmentItem> {
  const { set, remove } = edit;
  const key = { projectId: current.projectId, commitmentId: current.commitmentId };
  // The method may only change while the SOV is empty, whoever adds lines meanwhile.
  const condition: PatchCondition = (attr, op) =>
    methodChanges ? `${op.eq(attr.version, expectedVersion)} AND ${op.eq(attr.lineCount, 0)}` : op.eq(attr.version, expectedVersion);
  /** Why the conditional write failed, from the item as it is now. */
  const refusal = async () => {
    const now = await loadCommitment(current.projectId, current.commitmentId, { consistent: true });
    if (!now) return noSuchCommitment();
    if (now.version === expectedVersion && methodChanges && now.lineCount > 0) return linesExist();
    return changedSinceRead(now.version);
  };

  const oldKey = normalizeCommitmentNumber(current.number);
  const newKey = normalizeCommitmentNumber(set.number);
  const numberChanges = oldKey !== newKey;
  if (!numberChanges && tasks.put.length + tasks.remove.length === 0) {
    try {
      const update = commitmentEntities().Commitment.patch(key).set(set).add({ version: 1 });
      const { data } = await (remove.length ? update.remove(remove) : update).where(condition).go({ response: 'all_new' });
      return data as CommitmentItem;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw await refusal();
    }
  }
  const outcome = await writeTransactionOver(commitmentEntities, (entities) => {
    const { Commitment, CommitmentNumber } = entities;
    return {
    commitment: (remove.length ? Commitment.patch(key).set(set).add({ version: 1 }).remove(remove) : Commitment.patch(key).set(set).add({ version: 1 }))
      .where(condition)
      .commit(),
    oldNumber: numberChanges ? CommitmentNumber.delete({ projectId: current.projectId, normalizedNumber: oldKey }).commit() : undefined,
    newNumber: numberChanges
      ? CommitmentNumber.create({ projectId: current.projectId, normalizedNumber: newKey, commitmentId: current.commitmentId }).commit()
      : undefined,
    ...namedTaskWrites(entities, tasks),
    };
  });
  if (outcome.canceled) throw await explainFailure(outcome, { commitment: refusal, newNumber: () => duplicateNumber(set.number) }, () => problems.busy('commitment'));
  const reloaded = await loadCommitment(current.projectId, current.commitmentId, { consistent: true });
  if (!reloaded) throw noSuchCommitment();
  return reloaded;
}

export async function updateCommitment({ path, body, caller, headers }: HttpInput<'updateCommitment'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  const current = await visibleCommitment(path.projectId, path.commitmentId, member);
  for (const action of actionsFor(body)) {
    // Editing the commitment's own fields is the `edit` action as `allowedActions` reports it.
    if (action === commitmentsEdit) enforceRefusal(commitmentActionRefusal('edit', { member, commitment: current }));
    else enforce(action, member, current);
  }
  const expectedVersion = requiredIfMatch(headers, current.version);
  if (current.version !== expectedVersion) throw changedSinceRead(current.version);

  const checked = await checkedEdit(current, body);
  const contactsChange = checked.invoiceContactIds.join() !== current.invoiceContactIds.join();
  const tasks = contactsChange ? await planContactTasks(current, checked.invoiceContactIds) : { put: [], remove: [] };
  const updated = await saveEdit(current, editedFields(current, body, checked), expectedVersion, checked.methodChanges, tasks);
  return { body: commitmentViewFor(member)(updated), headers: { etag: etagFor(updated.version) } };
}
