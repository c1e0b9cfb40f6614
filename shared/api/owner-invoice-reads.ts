/**
 * The routes of the ownerInvoiceReads function: a head contract’s owner invoices, one of them, its history and
 * its G703 lines as CSV (nothing is written).
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { headContractPath, ownerInvoicePath } from './common';
import { ownerInvoiceList, ownerInvoiceResponse } from './owner-invoices';

export const ownerInvoiceEvent = z.withMeta(
  z.object({
    type: z.string(),
    by: z.string(),
    at: z.iso.datetime(),
    fromStatus: z.nullable(z.string()),
    toStatus: z.nullable(z.string()),
    comment: z.nullable(z.string()),
    changes: z.withMeta(z.unknown(), { description: 'Line edits [{ lineId, field, from, to }] and the G702 figures they changed' }),
  }),
  { id: 'OwnerInvoiceEvent' },
);
export const ownerInvoiceHistory = z.withMeta(z.object({ items: z.array(ownerInvoiceEvent) }), { id: 'OwnerInvoiceHistory' });

const ofHeadContract = '/v1/projects/{projectId}/head-contracts/{headContractId}/owner-invoices';
const one = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}';

export const ownerInvoiceReadRoutes = [
  {
    operationId: 'listOwnerInvoices',
    method: 'GET',
    path: ofHeadContract,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'A head contract’s owner invoices in position order, a page at a time',
    tags: ['owner invoices'],
    request: { path: headContractPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of owner invoices', schema: ownerInvoiceList },
  },
  {
    operationId: 'getOwnerInvoice',
    method: 'GET',
    path: one,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'One owner invoice with its G703 lines and G702 summary',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The owner invoice (ETag: its version)', schema: ownerInvoiceResponse },
  },
  {
    operationId: 'getOwnerInvoiceHistory',
    method: 'GET',
    path: `${one}/history`,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'Who changed the owner invoice, when, from → to, and the figures changed',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The history, oldest first', schema: ownerInvoiceHistory },
  },
  {
    operationId: 'exportOwnerInvoiceCsv',
    method: 'GET',
    path: `${one}/g703.csv`,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.export',
    summary: 'The G703 lines as CSV (amounts in currency units, exact to the cent), with a totals row',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'CSV (RFC 4180)', contentType: 'text/csv' },
  },
] as const satisfies readonly RouteDefinition[];
