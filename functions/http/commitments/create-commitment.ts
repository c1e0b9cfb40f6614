import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems, type FieldError } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import type { Membership } from '../../../shared/domain/permissions';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { commitmentEntities, commitmentSearchText, normalizeCommitmentNumber, type CommitmentItem } from '../../../shared/db/commitments';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { commitmentViewFor } from '../../../shared/api/commitments-views';
import { duplicateNumber, fieldError, isFieldError, locationOf, participantErrors, retainageFor, unique, vendorOfProject } from './shared';
import { commitmentsAddContacts, commitmentsCreatePurchaseOrder, commitmentsCreateSubcontract } from '../../../shared/domain/permission-rules';

type CreateCommitmentBody = HttpInput<'createCommitment'>['body'];

/** The vendor and retainage of a new commitment once its vendor, contacts, private list and retainage check out (else 400 naming each field). */
async function checkedParts(project: ProjectItem, body: CreateCommitmentBody) {
  const [vendor, participants] = await Promise.all([
    vendorOfProject(project.projectId, body.vendorId),
    participantErrors(project.projectId, body.vendorId, { ids: body.invoiceContactIds, field: 'invoiceContactIds' }, body.privateUserIds),
  ]);
  const errors: FieldError[] = [];
  if (!vendor) errors.push(fieldError('vendorId', 'Not a vendor of this project'));
  errors.push(...participants);
  const retainage = retainageFor(body.accountingMethod, body.retainage ?? project.retainage, body.retainage?.materialsEnabled);
  if (isFieldError(retainage)) errors.push(retainage);
  if (errors.length || !vendor || isFieldError(retainage)) throw problems.validation(errors);
  return { vendor, retainage };
}

function newCommitment(input: { project: ProjectItem; member: Membership; body: CreateCommitmentBody; parts: Awaited<ReturnType<typeof checkedParts>>; by: string; now: string }): CommitmentItem {
  const { body, parts, now } = input;
  const invoiceContactIds = unique(body.invoiceContactIds);
  // Contacts join the private list; a non-admin creator too, or a private commitment would vanish for them.
  const creatorOnList = body.private && input.member.commitments !== 'admin' ? [input.by] : [];
  return {
    projectId: input.project.projectId,
    commitmentId: randomUUID(),
    type: body.type,
    number: body.number,
    title: body.title,
    vendorId: parts.vendor.vendorId,
    vendorName: parts.vendor.name,
    status: body.status,
    description: body.description,
    contractDate: body.contractDate,
    startDate: body.startDate,
    estimatedCompletionDate: body.estimatedCompletionDate,
    actualCompletionDate: body.actualCompletionDate,
    accountingMethod: body.accountingMethod,
    retainage: parts.retainage,
    private: body.private,
    privateUserIds: unique([...body.privateUserIds, ...invoiceContactIds, ...creatorOnList]),
    invoiceContactIds,
    ssovEnabled: false,
    paymentsIssuedEnabled: false,
    lineCount: 0,
    originalContractSumCents: 0,
    approvedChangeOrdersCents: 0,
    searchText: commitmentSearchText({ number: body.number, title: body.title, vendorName: parts.vendor.name }),
    version: 1,
    createdBy: input.by,
    createdAt: now,
    updatedAt: now,
  };
}

export async function createCommitment({ path, body, caller }: HttpInput<'createCommitment'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(body.type === 'purchase_order' ? commitmentsCreatePurchaseOrder : commitmentsCreateSubcontract, member);
  if (body.invoiceContactIds.length) enforce(commitmentsAddContacts, member);
  const parts = await checkedParts(project, body);

  const now = new Date().toISOString();
  const item = newCommitment({ project, member, body, parts, by: caller.userId, now });
  const { commitmentId } = item;
  // One transaction: the number is claimed, the commitment and its empty SOV exist, or nothing does.
  const outcome = await writeTransactionOver(commitmentEntities, ({ Commitment, CommitmentNumber, Sov }) => ({
    commitment: Commitment.create(item).commit(),
    number: CommitmentNumber.create({ projectId: item.projectId, normalizedNumber: normalizeCommitmentNumber(item.number), commitmentId }).commit(),
    sov: Sov.create({ projectId: item.projectId, commitmentId, lines: [], version: 1, updatedAt: now }).commit(),
  }));
  if (outcome.canceled) throw await explainFailure(outcome, { number: () => duplicateNumber(item.number) }, () => problems.busy('commitment'));
  return {
    status: 201,
    body: commitmentViewFor(member)(item),
    headers: { location: locationOf(item), etag: etagFor(item.version) },
  };
}
