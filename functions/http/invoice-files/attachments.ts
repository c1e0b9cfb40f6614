import { randomUUID } from 'node:crypto';
import { logger } from '../../../shared/logger';
import { problems } from '../../../shared/http/problem';
import { entitiesOf } from '../../../shared/db/service';
import { uploadUrlSeconds } from '../../../shared/api/invoice-files';
import type { AttachmentResponse } from '../../../shared/api/invoice-files.docs';
import { Invoice, InvoiceAttachment, InvoiceEvent, InvoiceNumber, type InvoiceAttachmentItem } from '../../../shared/db/entities/invoice';
import { deleteObject, downloadUrl } from './s3';

/** An invoice's attachments, and what their writes check (the invoice, its successor) and record (its history). */
export const attachmentEntities = /* @__PURE__ */ entitiesOf({ InvoiceAttachment, Invoice, InvoiceNumber, InvoiceEvent });

export const noSuchAttachment = () => problems.notFound('No such attachment.');

export async function toAttachmentResponse(item: InvoiceAttachmentItem): Promise<AttachmentResponse> {
  return {
    projectId: item.projectId,
    invoiceId: item.invoiceId,
    attachmentId: item.attachmentId,
    filename: item.filename,
    contentType: item.contentType,
    sizeBytes: item.sizeBytes,
    status: item.status,
    uploadedAt: item.uploadedAt ?? null,
    sha256: item.sha256 ?? null,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    download: item.status === 'uploaded' ? await downloadUrl(item.key, item.filename, 'attachment', item.contentType) : null,
  };
}

/** All of an invoice's attachment records: one Query (an invoice holds at most `maxAttachmentsPerInvoice`). */
export async function loadAttachments(projectId: string, invoiceId: string): Promise<InvoiceAttachmentItem[]> {
  const { data } = await attachmentEntities().InvoiceAttachment.query.byInvoice({ projectId, invoiceId }).go({ pages: 'all' });
  return data;
}

export async function loadAttachment(projectId: string, invoiceId: string, attachmentId: string, consistent = false): Promise<InvoiceAttachmentItem> {
  const { data } = await attachmentEntities().InvoiceAttachment.get({ projectId, invoiceId, attachmentId }).go({ consistent });
  if (!data) throw noSuchAttachment();
  return data;
}

/** A pending upload whose URL has expired (with a minute's grace for a PUT still in flight). */
export const abandoned = (item: InvoiceAttachmentItem, now: number) =>
  item.status === 'pending' && Date.parse(item.createdAt) + (uploadUrlSeconds + 60) * 1000 < now;

/** Removes abandoned uploads: their records, and any bytes that arrived without a confirmation. */
export async function sweepAbandoned(items: InvoiceAttachmentItem[]): Promise<void> {
  await Promise.all(
    items.map(async (item) => {
      await deleteObject(item.key);
      await attachmentEntities().InvoiceAttachment.delete({ projectId: item.projectId, invoiceId: item.invoiceId, attachmentId: item.attachmentId }).where((a, op) => op.eq(a.status, 'pending')).go();
    }),
  ).catch((error: unknown) => logger.warn('abandoned attachment uploads not removed', { error: error as Error }));
}

/** Time-ordered ids: the records list in creation order. */
export const newAttachmentId = () => `${Date.now().toString(36).padStart(10, '0')}-${randomUUID()}`;

/** Logs instead of failing: an object left behind costs storage, not correctness. */
export const deleteQuietly = (key: string, what: string) =>
  deleteObject(key).catch((error: unknown) => logger.warn(what, { key, error: error as Error }));
