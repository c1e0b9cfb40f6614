/** The invoice workflow's documentation (OpenAPI only: no handler imports it) and the bulk change's answer schema. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { invoiceStatuses } from '../domain/invoices';
import type { invoiceWorkflowRoutes } from './invoice-workflow';
import { invoiceResponse } from './invoice-answers';

export const bulkInvoiceStatusResult = z.withMeta(
  z.discriminatedUnion('ok', [
    z.object({ invoiceId: z.string(), ok: z.literal(true), status: z.enum(invoiceStatuses), version: z.number().check(z.int()) }),
    z.object({
      invoiceId: z.string(),
      ok: z.literal(false),
      status: z.withMeta(z.union([z.literal(404), z.literal(409), z.literal(412)]), { description: 'What the single change would have answered' }),
      detail: z.string(),
    }),
  ]),
  { id: 'BulkInvoiceStatusResult' },
);
export type BulkInvoiceStatusResult = z.infer<typeof bulkInvoiceStatusResult>;

export const bulkInvoiceStatusResponse = z.withMeta(
  z.object({ results: z.withMeta(z.array(bulkInvoiceStatusResult), { description: 'One per invoice id, in request order' }) }),
  { id: 'BulkInvoiceStatusResponse' },
);

export const invoiceWorkflowDocs = {
  changeInvoiceStatus: {
    summary: 'Submit or resubmit the invoice (contact, before the due date) or set any status (administrator); If-Match required',
    tags: ['invoices'],
    response: { description: 'The invoice in its new status (ETag: its new version)', schema: invoiceResponse },
  },
  reviewInvoice: {
    summary: 'Approve or reject lines of an invoice under review; any rejected line sends it back (revise & resubmit)',
    tags: ['invoices'],
    response: { description: 'The invoice with its line decisions (ETag: its new version)', schema: invoiceResponse },
  },
  bulkInvoiceStatus: {
    summary: 'Set the status of up to 100 invoices; each is changed on its own and answered on its own',
    tags: ['invoices'],
    response: { description: 'One result per invoice', schema: bulkInvoiceStatusResponse },
  },
} satisfies Record<OperationIdOf<typeof invoiceWorkflowRoutes>, RouteDocs>;
