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
import { forwardInvoiceBody } from './invoice-pdf';
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

export { forwardInvoiceBody, forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';

const attachments = '/v1/projects/{projectId}/invoices/{invoiceId}/attachments';
const attachment = `${attachments}/{attachmentId}`;

export const invoiceFileRoutes = [
  {
    operationId: 'createAttachment',
    method: 'POST',
    path: attachments,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    request: { path: invoicePath, body: createAttachmentBody },
    response: { status: 201 },
  },
  {
    operationId: 'confirmAttachment',
    method: 'POST',
    path: `${attachment}/confirm`,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    request: { path: attachmentPath },
    response: { status: 200 },
  },
  {
    operationId: 'listAttachments',
    method: 'GET',
    path: attachments,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'getAttachment',
    method: 'GET',
    path: attachment,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: attachmentPath },
    response: { status: 200 },
  },
  {
    operationId: 'deleteAttachment',
    method: 'DELETE',
    path: attachment,
    function: 'invoiceFiles',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.review'],
    request: { path: attachmentPath },
    response: { status: 204 },
  },
  {
    operationId: 'getInvoicePdf',
    method: 'GET',
    path: '/v1/projects/{projectId}/invoices/{invoiceId}/pdf',
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'forwardInvoice',
    method: 'POST',
    path: '/v1/projects/{projectId}/invoices/{invoiceId}/forward',
    function: 'invoiceFiles',
    auth: 'jwt',
    action: 'invoices.forward',
    request: { path: invoicePath, body: forwardInvoiceBody },
    response: { status: 202 },
  },
] as const satisfies readonly RouteDefinition[];
