import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import { enforceRefusal } from '../../../shared/http/access';
import { invoiceActionContext } from '../../../shared/http/invoice-action-context';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { namedTaskWrites, planInvoiceTasks } from '../../../shared/db/tasks';
import { normalizeInvoiceNumber, positionKey, successorCheck } from '../../../shared/db/invoices';
import { enforce } from '../../../shared/http/access';
import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import { invoiceHandlerEntities } from './access';
import { invoicesDelete } from '../../../shared/domain/permission-rules';

export async function deleteInvoice({ path, caller }: HttpInput<'deleteInvoice'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  const { invoice, member, commitment } = access;
  enforce(invoicesDelete, member, commitment);
  enforceRefusal(invoiceActionRefusal('delete', await invoiceActionContext(access)));

  const numberKey = { projectId: invoice.projectId, commitmentId: invoice.commitmentId };
  const tasks = await planInvoiceTasks(invoice, undefined, commitment);
  const outcome = await writeTransactionOver(invoiceHandlerEntities, (entities) => ({
    // Still as checked: no status change or payment since it was read.
    invoice: entities.Invoice.delete({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
      .where((attr, op) => op.eq(attr.version, invoice.version))
      .commit(),
    successor: successorCheck(entities, invoice),
    number: entities.InvoiceNumber.delete({ ...numberKey, normalizedNumber: normalizeInvoiceNumber(invoice.number) }).commit(),
    position: entities.InvoiceNumber.delete({ ...numberKey, normalizedNumber: positionKey(invoice.position) }).commit(),
    period: entities.BillingPeriod.patch({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId }).add({ invoiceCount: -1 }).commit(),
    // A deleted invoice is nobody's task any more.
    ...namedTaskWrites(entities, tasks),
  }));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        invoice: () => problems.conflict('The invoice changed meanwhile; read it again.'),
        successor: () => problems.conflict('Only the latest invoice of the commitment can be deleted.'),
      },
      () => problems.busy('invoice'),
    );
  }
  return { status: 204 };
}
