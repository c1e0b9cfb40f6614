/**
 * The invoice reads (list, one invoice, its history) and what they take: apart from what writes take
 * (invoice-requests.ts) and the workflow's bodies (invoice-workflow.ts), so the function serving them
 * (invoiceReads) bundles no request body. What they answer is documented in invoice-reads.docs.ts.
 */
import * as z from '../zod';
import { commaListOf, invoicePath, projectPath, sortQuery, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { invoiceStatuses } from '../domain/invoices';
import { signatureEventTypes } from '../domain/signatures';

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
    request: { path: projectPath, query: listInvoicesQuery },
    response: { status: 200 },
  },
  {
    operationId: 'getInvoice',
    method: 'GET',
    path: invoice,
    function: 'invoiceReads',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'getInvoiceHistory',
    method: 'GET',
    path: `${invoice}/history`,
    function: 'invoiceReads',
    auth: 'jwt',
    action: 'invoices.view',
    request: { path: invoicePath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
