/**
 * The routes of the ownerInvoiceReads function: a head contract’s owner invoices, one of them, its history and
 * its G703 lines as CSV (nothing is written).
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { headContractPath, ownerInvoicePath } from './common';

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
    request: { path: headContractPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'getOwnerInvoice',
    method: 'GET',
    path: one,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.view',
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'getOwnerInvoiceHistory',
    method: 'GET',
    path: `${one}/history`,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.view',
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'exportOwnerInvoiceCsv',
    method: 'GET',
    path: `${one}/g703.csv`,
    function: 'ownerInvoiceReads',
    auth: 'jwt',
    action: 'owner_invoices.export',
    request: { path: ownerInvoicePath },
    response: { status: 200, contentType: 'text/csv' },
  },
] as const satisfies readonly RouteDefinition[];
