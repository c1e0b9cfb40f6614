import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { attachmentTypeRefusal } from '../../../shared/domain/attachments';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { InvoiceAttachmentItem } from '../../../shared/db/entities/invoice';
import { attachmentUploadKey } from '../../../shared/storage/keys';
import { maxAttachmentsPerInvoice } from '../../../shared/api/invoice-files';
import { enforceEditable, notEditableNow, stillEditable, scopeOf } from './access';
import { abandoned, attachmentEntities, loadAttachments, newAttachmentId, sweepAbandoned, toAttachmentResponse } from './attachments';
import { uploadUrl } from './s3';

/** Room for one more attachment: abandoned uploads are swept first, then the cap is checked (409). */
async function makeRoom(invoice: InvoiceItem, now: Date): Promise<void> {
  const existing = await loadAttachments(invoice.projectId, invoice.invoiceId);
  const stale = existing.filter((item) => abandoned(item, now.getTime()));
  if (stale.length) await sweepAbandoned(stale);
  if (existing.length - stale.length >= maxAttachmentsPerInvoice) {
    throw problems.conflict(`An invoice holds at most ${maxAttachmentsPerInvoice} attachments; delete one first.`);
  }
}

export async function createAttachment({ path, body, caller }: HttpInput<'createAttachment'>): Promise<Reply> {
  const now = new Date();
  const typeRefusal = attachmentTypeRefusal(body.contentType);
  if (typeRefusal) throw problems.validation([{ location: 'body', field: 'contentType', message: typeRefusal }]);
  const access = await loadInvoiceContext(path, caller.userId);
  await enforceEditable(access, now);
  const { invoice } = access;
  await makeRoom(invoice, now);

  const attachmentId = newAttachmentId();
  const item: InvoiceAttachmentItem = {
    projectId: invoice.projectId,
    invoiceId: invoice.invoiceId,
    attachmentId,
    key: attachmentUploadKey(scopeOf(access), attachmentId, body.filename),
    filename: body.filename,
    contentType: body.contentType,
    sizeBytes: body.sizeBytes,
    status: 'pending',
    createdBy: caller.userId,
    createdAt: now.toISOString(),
  };
  const outcome = await writeTransactionOver(attachmentEntities, (entities) => ({ ...stillEditable(entities, invoice), attachment: entities.InvoiceAttachment.create(item).commit() }));
  if (outcome.canceled) throw await explainFailure(outcome, { editable: notEditableNow, latest: notEditableNow }, () => problems.busy('invoice'));

  return {
    status: 201,
    headers: { location: `/v1/projects/${encodeURIComponent(invoice.projectId)}/invoices/${encodeURIComponent(invoice.invoiceId)}/attachments/${attachmentId}` },
    body: { attachment: await toAttachmentResponse(item), upload: await uploadUrl(item, now) },
  };
}
