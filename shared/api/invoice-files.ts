import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoicePath } from './common';

/** The files an invoice may carry: documents, spreadsheets and photos of delivery dockets. */
export const attachmentContentTypes = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/webp',
  'text/csv',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

import { maxAttachmentBytes } from './invoice-file-limits';
import { forwardInvoiceBody, forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';
export { downloadUrlSeconds, maxAttachmentBytes, maxAttachmentsPerInvoice, uploadUrlSeconds } from './invoice-file-limits';

export const attachmentPath = z.extend(invoicePath, { attachmentId: z.string().check(z.minLength(1), z.maxLength(100)) });

export const createAttachmentBody = z.withMeta(
  z.strictObject({
    filename: z.withMeta(
      z.string().check(
        z.trim(),
        z.minLength(1),
        z.maxLength(200),
        z.refine((name) => !/[/\\]/.test(name), 'must be a file name, without / or \\'),
        z.refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters'),
        z.refine((name) => name !== '.' && name !== '..', 'must be a file name'),
      ),
      { description: 'The file’s name as the user knows it (kept as given; the S3 key uses a safe form)', example: 'delivery-docket-0412.pdf' },
    ),
    contentType: z.withMeta(z.enum(attachmentContentTypes), { description: 'The type the upload must be sent with (signed into the URL)' }),
    sizeBytes: z.withMeta(z.number().check(z.int(), z.minimum(1), z.maximum(maxAttachmentBytes, `must be at most ${maxAttachmentBytes} bytes (25 MiB)`)), {
      description: 'The exact size of the file; the upload must match it (signed into the URL)',
    }),
  }),
  { id: 'CreateAttachment' },
);

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

export { forwardInvoiceBody, forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';

const attachments = '/v1/projects/{projectId}/invoices/{invoiceId}/attachments';
const attachment = `${attachments}/{attachmentId}`;
const tags = ['invoices'];

export const invoiceFileRoutes = [
  {
    operationId: 'createAttachment',
    method: 'POST',
    path: attachments,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    summary: 'Start an attachment upload (contact or admin, while the invoice is editable): a presigned PUT for the declared type and size',
    tags,
    request: { path: invoicePath, body: createAttachmentBody },
    response: { status: 201, description: 'The pending attachment and its upload (Location)', schema: createdAttachmentResponse },
  },
  {
    operationId: 'confirmAttachment',
    method: 'POST',
    path: `${attachment}/confirm`,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    summary: 'Confirm an upload: the object must be in S3 with the declared size and type; it is copied to an immutable key and its SHA-256 recorded',
    tags,
    request: { path: attachmentPath },
    response: { status: 200, description: 'The attachment, uploaded', schema: attachmentResponse },
  },
  {
    operationId: 'listAttachments',
    method: 'GET',
    path: attachments,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The invoice’s uploaded attachments in upload order, each with a download URL',
    tags,
    request: { path: invoicePath },
    response: { status: 200, description: 'The uploaded attachments', schema: attachmentList },
  },
  {
    operationId: 'getAttachment',
    method: 'GET',
    path: attachment,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'One attachment with its download URL',
    tags,
    request: { path: attachmentPath },
    response: { status: 200, description: 'The attachment', schema: attachmentResponse },
  },
  {
    operationId: 'deleteAttachment',
    method: 'DELETE',
    path: attachment,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    summary: 'Delete an attachment (contact or admin, while the invoice is editable)',
    tags,
    request: { path: attachmentPath },
    response: { status: 204, description: 'Deleted' },
  },
  {
    operationId: 'getInvoicePdf',
    method: 'GET',
    path: '/v1/projects/{projectId}/invoices/{invoiceId}/pdf',
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The invoice PDF (G702 summary, G703 continuation sheets): rendered for the invoice’s version, stored, and served by a presigned URL',
    tags,
    request: { path: invoicePath },
    response: { status: 200, description: 'Where to download the PDF', schema: invoicePdfResponse },
  },
  {
    operationId: 'forwardInvoice',
    method: 'POST',
    path: '/v1/projects/{projectId}/invoices/{invoiceId}/forward',
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.forward',
    summary: 'Email the invoice PDF to the addresses given (Idempotency-Key: sent once)',
    tags,
    request: { path: invoicePath, body: forwardInvoiceBody },
    response: { status: 202, description: 'The email is on its way', schema: forwardInvoiceResponse },
  },
] as const satisfies readonly RouteDefinition[];
