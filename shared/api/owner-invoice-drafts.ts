/**
 * The routes of the ownerInvoices function, with what they take: an owner invoice created, its lines entered or
 * pre-filled, its figures previewed, deleted (the owner-invoice routes that compute the G702/G703 figures).
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceKinds } from '../domain/invoices';
import { headContractPath, ownerInvoicePath } from './common';
import { refineStagedRelease, stagedReleaseFields, updateInvoiceBody } from './invoice-requests';

export const createOwnerInvoiceBody = z.withMeta(
  z
    .strictObject({
      number: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))), {
        description: 'Unique per head contract; the next in sequence when absent',
      }),
      kind: z._default(z.enum(invoiceKinds), 'progress'),
      prefill: z.withMeta(z._default(z.boolean(), false), {
        description: 'Fill each line’s work this period and stored materials from the period’s subcontractor invoices whose cost codes map to it',
      }),
      ...stagedReleaseFields,
    })
    .check(z.superRefine(refineStagedRelease)),
  { id: 'CreateOwnerInvoice' },
);

const ofHeadContract = '/v1/projects/{projectId}/head-contracts/{headContractId}/owner-invoices';
const one = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}';

export const ownerInvoiceDraftRoutes = [
  {
    operationId: 'createOwnerInvoice',
    method: 'POST',
    path: ofHeadContract,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.create',
    request: { path: headContractPath, body: createOwnerInvoiceBody },
    response: { status: 201 },
  },
  {
    operationId: 'updateOwnerInvoice',
    method: 'PATCH',
    path: one,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    request: { path: ownerInvoicePath, body: updateInvoiceBody },
    response: { status: 200 },
  },
  {
    operationId: 'deleteOwnerInvoice',
    method: 'DELETE',
    path: one,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    request: { path: ownerInvoicePath },
    response: { status: 204 },
  },
  {
    operationId: 'prefillOwnerInvoice',
    method: 'POST',
    path: `${one}/prefill`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    request: { path: ownerInvoicePath },
    response: { status: 200 },
  },
  {
    operationId: 'previewOwnerInvoiceSummary',
    method: 'POST',
    path: `${one}/summary-preview`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.preview',
    request: { path: ownerInvoicePath, body: updateInvoiceBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
