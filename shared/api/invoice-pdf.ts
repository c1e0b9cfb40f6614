import * as z from '../zod';

/**
 * An invoice's PDF and its forwarding by email, as both invoice kinds answer them (invoice-files.ts,
 * owner-invoices.docs.ts): apart, so owner invoices do not bundle the attachment schemas.
 */
export const invoicePdfResponse = z.withMeta(
  z.object({
    url: z.withMeta(z.url(), { description: 'Presigned GET of the stored PDF, valid for 5 minutes' }),
    expiresAt: z.iso.datetime(),
    filename: z.string(),
    contentType: z.literal('application/pdf'),
    sizeBytes: z.number().check(z.int()),
    invoiceVersion: z.withMeta(z.number().check(z.int()), { description: 'The invoice version rendered: a new version renders a new PDF' }),
  }),
  { id: 'InvoicePdf', description: 'Where to fetch the invoice PDF (rendered on request and stored in S3)' },
);

export const forwardInvoiceBody = z.withMeta(
  z.strictObject({
    to: z.withMeta(z.array(z.email()).check(z.minLength(1), z.maxLength(20)), { description: 'Who receives the invoice PDF' }),
    message: z.withMeta(z.optional(z.string().check(z.trim(), z.maxLength(2000))), { description: 'A note shown above the invoice details' }),
  }),
  { id: 'ForwardInvoice' },
);

export const forwardInvoiceResponse = z.withMeta(
  z.object({
    emailId: z.withMeta(z.string(), { description: 'The email’s id (from the Idempotency-Key when given): sent once' }),
    to: z.array(z.string()),
    attachment: z.object({ filename: z.string(), contentType: z.literal('application/pdf') }),
  }),
  { id: 'ForwardedInvoice' },
);
