/** The invoice reads' documentation (OpenAPI only: no handler imports it) and the history's answer schema. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { invoiceStatuses } from '../domain/invoices';
import { invoiceEventTypes, type invoiceReadRoutes } from './invoice-reads';
import { invoiceList, invoiceResponse } from './invoice-answers';

export const invoiceHistoryEvent = z.withMeta(
  z.object({
    eventId: z.withMeta(z.string(), { description: 'Sorts in the order of the history' }),
    type: z.enum(invoiceEventTypes),
    by: z.withMeta(z.string(), { description: 'The user who made the change' }),
    byName: z.withMeta(z.nullable(z.string()), { description: 'Their display name now (null when the user no longer exists)' }),
    at: z.iso.datetime(),
    fromStatus: z.nullable(z.enum(invoiceStatuses)),
    toStatus: z.nullable(z.enum(invoiceStatuses)),
    comment: z.nullable(z.string()),
    changes: z.withMeta(z.unknown(), { description: 'What changed: figures edited ([{ lineId, field, from, to }]) or review decisions' }),
  }),
  { id: 'InvoiceHistoryEvent' },
);
export type InvoiceHistoryEventResponse = z.infer<typeof invoiceHistoryEvent>;

export const invoiceHistory = z.withMeta(z.object({ items: z.array(invoiceHistoryEvent), nextCursor: z.nullable(z.string()) }), {
  id: 'InvoiceHistory',
  description: 'The invoice’s append-only history, oldest first',
});

export const invoiceReadDocs = {
  listInvoices: {
    summary: 'The project’s invoices (of one billing period with ?billingPeriodId), a page at a time',
    tags: ['invoices'],
    response: { description: 'A page of invoices the caller may view; nextCursor fetches the next', schema: invoiceList },
  },
  getInvoice: {
    summary: 'One invoice with its lines, G703 totals and G702 summary',
    tags: ['invoices'],
    response: { description: 'The invoice (ETag: its version)', schema: invoiceResponse },
  },
  getInvoiceHistory: {
    summary: 'The invoice’s history: who changed what and when, from → to, comments, figures and review decisions',
    tags: ['invoices'],
    response: { description: 'A page of events, oldest first', schema: invoiceHistory },
  },
} satisfies Record<OperationIdOf<typeof invoiceReadRoutes>, RouteDocs>;
