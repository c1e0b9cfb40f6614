import { enforceRefusal, loadProjectAccess } from '../../../shared/http/access';
import { invoiceActionContext } from '../../../shared/http/invoice-actions';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import type { Caller } from '../../../shared/http/auth';
import { problems } from '../../../shared/http/problem';
import type { Membership } from '../../../shared/domain/permissions';
import { editableStatuses } from '../../../shared/domain/invoice-rules';
import { isOneOf } from '../../../shared/db/conditions';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import { loadInvoice, successorCheck, type InvoiceItem } from '../../../shared/db/invoices';
import type { WriteEntities } from '../../../shared/db/transaction';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { InvoiceScope } from '../../../shared/storage/keys';

export const noSuchInvoice = () => problems.notFound('No such invoice.');

export interface InvoiceAccess {
  project: ProjectItem;
  member: Membership;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
  scope: InvoiceScope;
}

/** The project, the caller's membership, the invoice and its commitment; 404 for any that is missing. */
export async function loadInvoiceAccess(path: { projectId: string; invoiceId: string }, caller: Caller): Promise<InvoiceAccess> {
  // The invoice read goes with the membership reads; it is only used once membership is established.
  const [{ project, member }, invoice] = await Promise.all([
    loadProjectAccess(path.projectId, caller.userId),
    loadInvoice(path.projectId, path.invoiceId),
  ]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(project.projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  return { project, member, invoice, commitment, scope: { companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId } };
}

/**
 * The caller may change the invoice's attachments now (the `upload_attachment` action, as
 * `allowedActions` answers it): an invoice administrator or a contact (403/404), the latest invoice
 * in draft or revise & resubmit, for contacts until the period's due date (409).
 */
export async function enforceEditable(access: InvoiceAccess, now: Date): Promise<void> {
  enforceRefusal(invoiceActionRefusal('upload_attachment', await invoiceActionContext(access, now)));
}

/**
 * A transaction's checks that the invoice is still editable, whatever happened since it was read:
 * still in an editable status (`editable`), still the latest of its commitment (`latest`).
 */
export const stillEditable = (entities: WriteEntities, invoice: InvoiceItem) => ({
  editable: entities.Invoice.check({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
    .where((a, op) => isOneOf(op, a.status, editableStatuses))
    .commit(),
  latest: successorCheck(entities, invoice),
});
export const notEditableNow = () => problems.conflict('The invoice stopped being editable (it was sent for review or changed) while this request ran.');
