/**
 * The invoice reads (list, one invoice, its history) and what they take: apart from what writes take
 * (invoice-requests.ts) and the workflow's bodies (invoice-workflow.ts), so the function serving them
 * (invoiceReads) bundles no request body.
 */
import * as z from '../zod';
import { commaListOf, invoicePath, projectPath, sortQuery, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { invoiceStatuses } from '../domain/invoices';
import { signatureEventTypes } from '../domain/signatures';
import { invoiceList, invoiceResponse } from './invoices';

export const listInvoicesQuery = z.object({
  billingPeriodId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  commitmentId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  status: z.optional(commaListOf(invoiceStatuses, 'Only invoices in these statuses')),
  updatedSince: z.optional(updatedSinceQuery('invoices')),
  sort: z.optional(sortQuery(['position'], 'With commitmentId: by position in the commitment (`-position`: the latest first)')),
  ...pageQuery,
});

export const invoiceEventTypes = [
  'created',
  'edited',
  'status_changed',
  'lines_reviewed',
  'attachment_added',
  'attachment_removed',
  'payment_recorded',
  'forwarded',
  ...signatureEventTypes,
  'non_payment_notice_given',
] as const;

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

const invoices = '/v1/projects/{projectId}/invoices';
const invoice = `${invoices}/{invoiceId}`;

export const invoiceReadRoutes = [
  {
    operationId: 'listInvoices',
    method: 'GET',
    path: invoices,
    function: 'invoiceReads',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The project’s invoices (of one billing period with ?billingPeriodId), a page at a time',
    tags: ['invoices'],
    request: { path: projectPath, query: listInvoicesQuery },
    response: { status: 200, description: 'A page of invoices the caller may view; nextCursor fetches the next', schema: invoiceList },
  },
  {
    operationId: 'getInvoice',
    method: 'GET',
    path: invoice,
    function: 'invoiceReads',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'One invoice with its lines, G703 totals and G702 summary',
    tags: ['invoices'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The invoice (ETag: its version)', schema: invoiceResponse },
  },
  {
    operationId: 'getInvoiceHistory',
    method: 'GET',
    path: `${invoice}/history`,
    function: 'invoiceReads',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'The invoice’s history: who changed what and when, from → to, comments, figures and review decisions',
    tags: ['invoices'],
    request: { path: invoicePath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of events, oldest first', schema: invoiceHistory },
  },
] as const satisfies readonly RouteDefinition[];
