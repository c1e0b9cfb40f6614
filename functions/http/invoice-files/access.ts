import { enforce, loadProjectAccess } from '../../../shared/http/access';
import type { Caller } from '../../../shared/http/auth';
import { problems } from '../../../shared/http/problem';
import type { Membership } from '../../../shared/domain/permissions';
import { localDate } from '../../../shared/domain/billing-periods';
import { deadlineRefusal, editableStatuses, editRefusal, invoiceRole, type InvoiceRole } from '../../../shared/domain/invoice-rules';
import { isOneOf } from '../../../shared/db/conditions';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import { loadBillingPeriod } from '../../../shared/db/billing-periods';
import { isLatestInvoice, loadInvoice, successorCheck, type InvoiceItem } from '../../../shared/db/invoices';
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
 * Who may change an invoice's attachments: who may edit the invoice, i.e. an invoice
 * administrator (on the contact's behalf) or one of the commitment's invoice contacts.
 */
function enforceEditor(member: Membership, commitment: CommitmentItem): InvoiceRole {
  const role = invoiceRole(member, commitment);
  // Neither: refused as a contact would be (404 when the commitment is invisible, else 403).
  if (!role) enforce('invoices.create_as_contact', member, commitment);
  return role!;
}

/**
 * Why the invoice cannot be edited now (→ 409), or undefined: only the commitment's latest
 * invoice, only in draft or revise & resubmit, and for contacts only until the period's due date.
 */
async function attachmentChangeRefusal({ invoice, project }: InvoiceAccess, role: InvoiceRole, now: Date): Promise<string | undefined> {
  const notEditable = editRefusal(invoice.status, 'its attachments');
  if (notEditable) return notEditable;
  const [latest, period] = await Promise.all([
    isLatestInvoice(invoice),
    role === 'contact' ? loadBillingPeriod(project.projectId, invoice.billingPeriodId) : undefined,
  ]);
  if (!latest) return 'Only the latest invoice of a commitment can be changed; a later invoice exists.';
  return period && deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf: 'change the invoice' });
}

/** The caller may change the invoice's attachments now: 403/404 for who, 409 for when. */
export async function enforceEditable(access: InvoiceAccess, now: Date): Promise<void> {
  const role = enforceEditor(access.member, access.commitment);
  const refusal = await attachmentChangeRefusal(access, role, now);
  if (refusal) throw problems.conflict(refusal);
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
