import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { deletionRefusal } from '../../../shared/domain/invoice-rules';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { normalizeInvoiceNumber, positionKey } from '../../../shared/db/invoices';
import { isLatestOwnerInvoice, ownerSuccessorCheck } from '../../../shared/db/owner-invoices';
import { ownerInvoiceFor } from './shared';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesEdit } from '../../../shared/domain/permission-rules';

/** Deletes the head contract's latest owner invoice with its claims, uncounted from its period; never once approved or paid. */
export async function deleteOwnerInvoice({ path, caller }: HttpInput<'deleteOwnerInvoice'>): Promise<Reply> {
  const { invoice } = await ownerInvoiceFor(ownerInvoicesEdit, path, caller.userId);
  const undeletable = deletionRefusal(invoice);
  if (undeletable) throw problems.conflict(undeletable);
  if (!(await isLatestOwnerInvoice(invoice))) throw problems.conflict('Only the latest owner invoice of the head contract can be deleted.');

  const claimKey = { projectId: invoice.projectId, headContractId: invoice.headContractId };
  const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
    // Still as checked: no status change or payment since it was read.
    invoice: entities.OwnerInvoice.delete({ projectId: invoice.projectId, ownerInvoiceId: invoice.ownerInvoiceId })
      .where((attr, op) => op.eq(attr.version, invoice.version))
      .commit(),
    successor: ownerSuccessorCheck(entities, invoice),
    number: entities.OwnerInvoiceClaim.delete({ ...claimKey, claim: normalizeInvoiceNumber(invoice.number) }).commit(),
    position: entities.OwnerInvoiceClaim.delete({ ...claimKey, claim: positionKey(invoice.position) }).commit(),
    period: entities.BillingPeriod.patch({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId }).add({ invoiceCount: -1 }).commit(),
  }));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        invoice: () => problems.conflict('The owner invoice changed meanwhile; read it again.'),
        successor: () => problems.conflict('Only the latest owner invoice of the head contract can be deleted.'),
      },
      () => problems.busy('owner invoice'),
    );
  }
  return { status: 204 };
}
