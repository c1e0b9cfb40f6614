/** The invoice files routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { invoiceFileRoutes } from './invoice-files';

const download = z.withMeta(
  z.object({
    url: z.withMeta(z.url(), { description: 'Presigned GET, valid for 5 minutes; downloads the file under its name' }),
    expiresAt: z.iso.datetime(),
  }),
  { id: 'Download' },
);

export const attachmentResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    invoiceId: z.string(),
    attachmentId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().check(z.int()),
    status: z.withMeta(z.enum(['pending', 'uploaded']), { description: 'pending until the upload is confirmed' }),
    uploadedAt: z.withMeta(z.nullable(z.iso.datetime()), { description: 'When the upload was confirmed: the list’s order' }),
    sha256: z.withMeta(z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/))), {
      description: 'SHA-256 (hex) of the confirmed bytes: what is downloaded and backed up; null while pending',
      example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    download: z.withMeta(z.nullable(download), { description: 'Absent (null) while pending' }),
  }),
  { id: 'InvoiceAttachment' },
);
export type AttachmentResponse = z.infer<typeof attachmentResponse>;

export const createdAttachmentResponse = z.withMeta(
  z.object({
    attachment: attachmentResponse,
    upload: z.object({
      method: z.literal('PUT'),
      url: z.withMeta(z.url(), { description: 'Presigned PUT, valid for 15 minutes' }),
      headers: z.withMeta(z.object({ 'content-type': z.string() }), { description: 'Send exactly these headers (the content type and the length are signed)' }),
      expiresAt: z.iso.datetime(),
    }),
  }),
  { id: 'AttachmentUpload', description: 'The pending attachment and where to PUT its bytes; then POST …/confirm' },
);

export const attachmentList = z.withMeta(
  z.object({
    items: z.array(attachmentResponse),
    nextCursor: z.withMeta(z.nullable(z.string()), { description: 'Always null: an invoice holds at most 50 attachments' }),
  }),
  { id: 'InvoiceAttachmentList' },
);

export const invoiceFileDocs = {
  createAttachment: {
    summary: 'Start an attachment upload (contact or admin, while the invoice is editable): a presigned PUT for the declared type and size',
    tags: ['invoices'],
    response: { description: 'The pending attachment and its upload (Location)', schema: createdAttachmentResponse },
  },
  confirmAttachment: {
    summary: 'Confirm an upload: the object must be in S3 with the declared size and type; it is copied to an immutable key and its SHA-256 recorded',
    tags: ['invoices'],
    response: { description: 'The attachment, uploaded', schema: attachmentResponse },
  },
  listAttachments: {
    summary: 'The invoice’s uploaded attachments in upload order, each with a download URL',
    tags: ['invoices'],
    response: { description: 'The uploaded attachments', schema: attachmentList },
  },
  getAttachment: {
    summary: 'One attachment with its download URL',
    tags: ['invoices'],
    response: { description: 'The attachment', schema: attachmentResponse },
  },
  deleteAttachment: {
    summary: 'Delete an attachment (contact or admin, while the invoice is editable)',
    tags: ['invoices'],
    response: { description: 'Deleted' },
  },
  getInvoicePdf: {
    summary: 'The invoice PDF (G702 summary, G703 continuation sheets): rendered for the invoice’s version, stored, and served by a presigned URL',
    tags: ['invoices'],
    response: { description: 'Where to download the PDF', schema: invoicePdfResponse },
  },
  forwardInvoice: {
    summary: 'Email the invoice PDF to the addresses given (Idempotency-Key: sent once)',
    tags: ['invoices'],
    response: { description: 'The email is on its way', schema: forwardInvoiceResponse },
  },
} satisfies Record<OperationIdOf<typeof invoiceFileRoutes>, RouteDocs>;
