import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { invoiceEventWrite } from '../../../shared/db/invoices';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { attachmentUploadKey } from '../../../shared/storage/keys';
import { enforceEditable, notEditableNow, stillEditable, scopeOf } from './access';
import { attachmentEntities, loadAttachment, noSuchAttachment } from './attachments';
import { deleteObject } from './s3';

export async function deleteAttachment({ path, caller }: HttpInput<'deleteAttachment'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  await enforceEditable(access, now);
  const { invoice } = access;
  const attachment = await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId);

  // The bytes first: if the record's delete then fails, a retry finds the record and finishes.
  // Both objects: the kept copy, and whatever a PUT to the still-valid upload URL left.
  await Promise.all([deleteObject(attachment.key), deleteObject(attachmentUploadKey(scopeOf(access), attachment.attachmentId, attachment.filename))]);
  const key = { projectId: invoice.projectId, invoiceId: invoice.invoiceId, attachmentId: attachment.attachmentId };
  const outcome = await writeTransactionOver(attachmentEntities, (entities) => ({
    ...stillEditable(entities, invoice),
    attachment: entities.InvoiceAttachment.delete(key)
      .where((a, op) => op.exists(a.attachmentId))
      .commit(),
    // Only an upload that counted is history; an abandoned one never was.
    event:
      attachment.status === 'uploaded'
        ? invoiceEventWrite(entities, {
            projectId: invoice.projectId,
            invoiceId: invoice.invoiceId,
            type: 'attachment_removed',
            by: caller.userId,
            at: now.toISOString(),
            changes: { attachmentId: attachment.attachmentId, filename: attachment.filename },
          })
        : undefined,
  }));
  if (outcome.canceled) throw await explainFailure(outcome, { editable: notEditableNow, latest: notEditableNow, attachment: noSuchAttachment }, () => problems.busy('invoice'));
  return { status: 204 };
}
