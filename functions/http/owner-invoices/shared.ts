/** What the owner-invoice operations share: the invoice with its visible head contract, and their problems. */
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { canSee, type ActionRule } from '../../../shared/domain/permissions';
import { loadHeadContract } from '../../../shared/db/head-contracts';
import { loadOwnerInvoice, type OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import { explainFailure, type WriteOutcome } from '../../../shared/db/transaction';

export const noSuchOwnerInvoice = () => problems.notFound('No such owner invoice.');
export const noSuchHeadContract = () => problems.notFound('No such head contract.');
export const changedSinceRead = (version: number) =>
  problems.preconditionFailed(`The owner invoice changed since you read it (now ${etagFor(version)}); read it again.`);

/** Why a write under the invoice's version failed: it changed since it was read (412 with its version now), or it is gone. */
export async function changedOrGone(invoice: Pick<OwnerInvoiceItem, 'projectId' | 'ownerInvoiceId'>) {
  const now = await loadOwnerInvoice(invoice.projectId, invoice.ownerInvoiceId, { consistent: true });
  return now ? changedSinceRead(now.version) : noSuchOwnerInvoice();
}

/** Why an edit of an invoice's figures (line entry, pre-fill) did not commit: the invoice moved, or a later one exists. */
export const editFailure = (outcome: WriteOutcome<string>, invoice: Pick<OwnerInvoiceItem, 'projectId' | 'ownerInvoiceId'>) =>
  explainFailure(
    outcome,
    { invoice: () => changedOrGone(invoice), successor: () => problems.conflict('Only the latest owner invoice of the head contract can be edited.') },
    () => problems.busy('owner invoice'),
  );

export const locationOf = (item: OwnerInvoiceItem) => `/v1/projects/${item.projectId}/owner-invoices/${item.ownerInvoiceId}`;

/** The project, the caller's membership and the head contract, with `action` enforced on it (404 when it cannot be seen). */
export async function headContractFor(action: ActionRule, path: { projectId: string; headContractId: string }, userId: string) {
  const [{ project, member }, contract] = await Promise.all([loadProjectAccess(path.projectId, userId), loadHeadContract(path.projectId, path.headContractId)]);
  if (!contract) throw noSuchHeadContract();
  enforce(action, member, contract);
  return { project, member, contract };
}

/**
 * The owner invoice with its project, the caller's membership and its head contract, `action`
 * enforced on the contract. An invoice of a head contract the caller cannot see does not exist for them.
 */
export async function ownerInvoiceFor(action: ActionRule, path: { projectId: string; ownerInvoiceId: string }, userId: string) {
  const [{ project, member }, invoice] = await Promise.all([loadProjectAccess(path.projectId, userId), loadOwnerInvoice(path.projectId, path.ownerInvoiceId)]);
  if (!invoice) throw noSuchOwnerInvoice();
  const contract = await loadHeadContract(invoice.projectId, invoice.headContractId);
  if (!contract || !canSee(member, 'head_contracts', contract)) throw noSuchOwnerInvoice();
  enforce(action, member, contract);
  return { project, member, contract, invoice };
}
