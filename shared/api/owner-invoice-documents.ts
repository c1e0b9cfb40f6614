/**
 * The routes of the ownerInvoiceDocuments function, with what they take: an owner invoice’s PDF (from the
 * renderer) and emailing it to the owner.
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { ownerInvoicePath } from './common';
import { forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';

export const emailOwnerInvoiceBody = z.withMeta(
  z.strictObject({
    to: z.withMeta(z._default(z.array(z.email()).check(z.maxLength(20)), []), { description: 'Addresses that receive the PDF besides the owner’s contacts' }),
    includeOwnerContacts: z.withMeta(z._default(z.boolean(), true), { description: 'Also send it to the head contract’s owner contacts (ownerContactEmails)' }),
    message: z.withMeta(z.optional(z.string().check(z.trim(), z.maxLength(2000))), { description: 'A note shown above the invoice details' }),
  }),
  { id: 'EmailOwnerInvoice', description: 'At least one recipient: addresses given, or the owner’s contacts' },
);

const one = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}';

export const ownerInvoiceDocumentRoutes = [
  {
    operationId: 'getOwnerInvoicePdf',
    method: 'GET',
    path: `${one}/pdf`,
    function: 'ownerInvoiceDocuments',
    auth: 'jwt',
    action: 'owner_invoices.export',
    summary: 'The owner invoice PDF (G702 summary to the owner, G703 continuation sheets) in the project’s terms: rendered for its version, stored, served by a presigned URL',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'Where to download the PDF', schema: invoicePdfResponse },
  },
  {
    operationId: 'emailOwnerInvoice',
    method: 'POST',
    path: `${one}/email`,
    function: 'ownerInvoiceDocuments',
    auth: 'jwt',
    action: 'owner_invoices.email',
    summary: 'Email the owner invoice PDF to the addresses given and the owner’s contacts (Idempotency-Key: sent once); recorded in its history',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: emailOwnerInvoiceBody },
    response: { status: 202, description: 'The email is on its way', schema: forwardInvoiceResponse },
  },
] as const satisfies readonly RouteDefinition[];
