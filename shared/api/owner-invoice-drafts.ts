/**
 * The routes of the ownerInvoices function, with what they take: an owner invoice created, its lines entered or
 * pre-filled, its figures previewed, deleted (the owner-invoice routes that compute the G702/G703 figures).
 */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceKinds } from '../domain/invoices';
import { headContractPath, ownerInvoicePath } from './common';
import { refineStagedRelease, stagedReleaseFields, updateInvoiceBody } from './invoice-requests';
import { invoiceLine, invoiceSummary, invoiceTotals } from './invoices';
import { ownerInvoiceResponse } from './owner-invoices';

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

export const ownerInvoicePreview = z.withMeta(
  z.object({
    ownerInvoiceId: z.string(),
    totals: invoiceTotals,
    summary: invoiceSummary,
    lines: z.array(invoiceLine),
  }),
  { id: 'OwnerInvoicePreview', description: 'The G702/G703 figures the given entries would give; nothing is saved' },
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
    summary: 'Create an owner invoice in the open billing period (else the most recent): one progress invoice per period, or a retainage release',
    tags: ['owner invoices'],
    request: { path: headContractPath, body: createOwnerInvoiceBody },
    response: { status: 201, description: 'The owner invoice (Location, ETag)', schema: ownerInvoiceResponse },
  },
  {
    operationId: 'updateOwnerInvoice',
    method: 'PATCH',
    path: one,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    summary: 'Enter line figures (only in draft or revise & resubmit, only the latest; If-Match required)',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: updateInvoiceBody },
    response: { status: 200, description: 'The owner invoice (ETag: its new version)', schema: ownerInvoiceResponse },
  },
  {
    operationId: 'deleteOwnerInvoice',
    method: 'DELETE',
    path: one,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    summary: 'Delete the latest owner invoice of its head contract (never once approved or paid)',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 204, description: 'Deleted' },
  },
  {
    operationId: 'prefillOwnerInvoice',
    method: 'POST',
    path: `${one}/prefill`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    summary: 'Fill work this period and stored materials again from the billing period’s subcontractor costs (only in draft or revise & resubmit; If-Match required)',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The owner invoice (ETag: its new version) with the pre-fill’s audit trail', schema: ownerInvoiceResponse },
  },
  {
    operationId: 'previewOwnerInvoiceSummary',
    method: 'POST',
    path: `${one}/summary-preview`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.preview',
    summary: 'The G702 summary (and G703 lines) the given entries would give, computed as a PATCH would; nothing is saved',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: updateInvoiceBody },
    response: { status: 200, description: 'The figures, unsaved', schema: ownerInvoicePreview },
  },
] as const satisfies readonly RouteDefinition[];
