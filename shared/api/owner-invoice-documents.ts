/**
 * The routes of the ownerInvoiceDocuments function, with what they take: an owner invoice’s PDF (from the
 * renderer) and emailing it to the owner.
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { ownerInvoicePath } from './common';

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
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'emailOwnerInvoice',
    method: 'POST',
    path: `${one}/email`,
    function: 'ownerInvoiceDocuments',
    auth: 'jwt',
    action: 'owner_invoices.email',
    request: { path: ownerInvoicePath, body: emailOwnerInvoiceBody },
    response: { status: 202 },
  },
] as const satisfies readonly RouteDefinition[];
