import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { invoiceEventWrite, type InvoiceItem } from '../../../shared/db/invoices';
import { writeTransactionOver } from '../../../shared/db/transaction';
import type { InvoiceAttachmentItem } from '../../../shared/db/entities/invoice';
import { enforceEditable, notEditableNow, stillEditable, scopeOf } from './access';
import { attachmentEntities, deleteQuietly, loadAttachment, toAttachmentResponse } from './attachments';
import { declaredRefusal, headObject, keepConfirmedCopy } from './s3';

/** Marks the attachment uploaded with its kept copy, and records the history event, while the invoice is still editable. */
function recordUpload(invoice: InvoiceItem, attachment: InvoiceAttachmentItem, copy: { key: string; sha256: string }, by: string, uploadedAt: string) {
  return writeTransactionOver(attachmentEntities, (entities) => ({
    ...stillEditable(entities, invoice),
    attachment: entities.InvoiceAttachment.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId, attachmentId: attachment.attachmentId })
      .set({ status: 'uploaded', uploadedAt, key: copy.key, sha256: copy.sha256 })
      .where((a, op) => op.eq(a.status, 'pending'))
      .commit(),
    event: invoiceEventWrite(entities, {
      projectId: invoice.projectId,
      invoiceId: invoice.invoiceId,
      type: 'attachment_added',
      by,
      at: uploadedAt,
      changes: { attachmentId: attachment.attachmentId, filename: attachment.filename, contentType: attachment.contentType, sizeBytes: attachment.sizeBytes },
    }),
  }));
}

export async function confirmAttachment({ path, caller }: HttpInput<'confirmAttachment'>): Promise<Reply> {
  const now = new Date();
  const access = await loadInvoiceContext(path, caller.userId);
  await enforceEditable(access, now);
  const { invoice } = access;
  const attachment = await loadAttachment(invoice.projectId, invoice.invoiceId, path.attachmentId);
  if (attachment.status === 'uploaded') return { body: await toAttachmentResponse(attachment) };

  const object = await headObject(attachment.key);
  if (!object) throw problems.conflict(`The file ${attachment.filename} is not uploaded yet: PUT it to the upload URL, then confirm.`);
  const refusal = declaredRefusal(object, attachment);
  if (refusal) throw refusal;
  const copy = await keepConfirmedCopy(scopeOf(access), attachment);

  const uploadedAt = now.toISOString();
  const outcome = await recordUpload(invoice, attachment, copy, caller.userId, uploadedAt);
  if (outcome.canceled) {
    await deleteQuietly(copy.key, 'unused attachment copy not removed');
    if (outcome.failed.includes('editable') || outcome.failed.includes('latest')) throw notEditableNow();
    if (outcome.failed.includes('attachment')) {
      // A concurrent confirm won (the same answer), or the attachment was deleted meanwhile.
      return { body: await toAttachmentResponse(await loadAttachment(invoice.projectId, invoice.invoiceId, attachment.attachmentId, true)) };
    }
    throw problems.busy('invoice');
  }
  // The upload object is no longer read; a PUT after this only recreates it (delete removes it too).
  await deleteQuietly(attachment.key, 'confirmed upload object not removed');
  return { body: await toAttachmentResponse({ ...attachment, status: 'uploaded', uploadedAt, key: copy.key, sha256: copy.sha256 }) };
}
