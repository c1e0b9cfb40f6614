import { enforceRefusal } from '../../../shared/http/access';
import type { InvoiceContext } from '../../../shared/http/invoice-context';
import { invoiceActionContext } from '../../../shared/http/invoice-action-context';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import { problems } from '../../../shared/http/problem';
import { editableStatuses } from '../../../shared/domain/invoice-rules';
import { isOneOf } from '../../../shared/db/conditions';
import { successorCheck, type InvoiceItem } from '../../../shared/db/invoices';
import type { WriteEntities } from '../../../shared/db/transaction';
import type { InvoiceScope } from '../../../shared/storage/keys';

/** Where the invoice's files are stored (shared/storage/keys.ts). */
export const scopeOf = ({ project, invoice }: InvoiceContext): InvoiceScope => ({ companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId });

/**
 * The caller may change the invoice's attachments now (the `upload_attachment` action, as
 * `allowedActions` answers it): an invoice administrator or a contact (403/404), the latest invoice
 * in draft or revise & resubmit, for contacts until the period's due date (409).
 */
export async function enforceEditable(access: InvoiceContext, now: Date): Promise<void> {
  enforceRefusal(invoiceActionRefusal('upload_attachment', await invoiceActionContext(access, now)));
}

/**
 * A transaction's checks that the invoice is still editable, whatever happened since it was read:
 * still in an editable status (`editable`), still the latest of its commitment (`latest`).
 */
export const stillEditable = (entities: Pick<WriteEntities, 'Invoice' | 'InvoiceNumber'>, invoice: InvoiceItem) => ({
  editable: entities.Invoice.check({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
    .where((a, op) => isOneOf(op, a.status, editableStatuses))
    .commit(),
  latest: successorCheck(entities, invoice),
});
export const notEditableNow = () => problems.conflict('The invoice stopped being editable (it was sent for review or changed) while this request ran.');
