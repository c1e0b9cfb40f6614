/**
 * The owner invoices' documentation (OpenAPI only: no handler imports it) and their answers' schemas
 * (OwnerInvoice, its list item, its pre-fill, its preview and history); the views that make the answers
 * are in owner-invoice-views.ts.
 */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import { invoiceKinds, invoicePaymentStatuses } from '../domain/invoices';
import { ownerInvoiceStatuses, prefillStatuses } from '../domain/owner-invoices';
import { retainageSettings } from './common';
import { promptPaymentView } from './prompt-payment';
import { invoiceLine, invoiceSummary, invoiceTotals } from './invoice-answers';
import { forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';
import type { ownerInvoiceRoutes } from './owner-invoice-routes';

const ownerInvoiceHeader = {
  projectId: z.string(),
  ownerInvoiceId: z.string(),
  headContractId: z.string(),
  billingPeriodId: z.string(),
  number: z.string(),
  position: z.withMeta(z.number().check(z.int()), { description: '1, 2, … per head contract: line 7 is the previous one’s line 6' }),
  kind: z.enum(invoiceKinds),
  status: z.enum(ownerInvoiceStatuses),
  paymentStatus: z.enum(invoicePaymentStatuses),
  paidCents: z.number().check(z.int()),
  totals: invoiceTotals,
  summary: invoiceSummary,
  promptPayment: promptPaymentView,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  submittedAt: z.withMeta(z.nullable(z.iso.datetime()), { description: 'When it was last sent to the owner (→ under review)' }),
  updatedAt: z.iso.datetime(),
  version: z.withMeta(z.number().check(z.int()), { description: 'Also the ETag; send it as If-Match to change the owner invoice' }),
};

const costSource = {
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  commitmentId: z.string(),
  commitmentNumber: z.nullable(z.string()),
  lineId: z.withMeta(z.string(), { description: 'The subcontractor invoice’s SOV line' }),
  costCode: z.nullable(z.string()),
  description: z.string(),
  workThisPeriodCents: z.number().check(z.int()),
  materialsStoredCents: z.number().check(z.int()),
};

export const ownerInvoicePrefill = z.withMeta(
  z.object({
    by: z.string(),
    at: z.iso.datetime(),
    lines: z.array(
      z.object({
        lineId: z.withMeta(z.string(), { description: 'The owner SOV line' }),
        costCode: z.nullable(z.string()),
        workThisPeriodCents: z.withMeta(z.number().check(z.int()), { description: 'Σ of the sources’ work this period' }),
        materialsStoredCents: z.withMeta(z.number().check(z.int()), { description: 'Σ of the sources’ materials presently stored' }),
        sources: z.withMeta(z.array(z.object(costSource)), { description: 'The subcontractor invoice lines summed into this line' }),
      }),
    ),
    unmapped: z.withMeta(z.array(z.object({ ...costSource, reason: z.enum(['no_cost_code', 'cost_code_not_on_owner_sov', 'owner_line_is_unit_based']) })), {
      description: 'Costs of the period no owner line took: reported, not billed',
    }),
    includedInvoices: z.withMeta(z.array(z.object({ invoiceId: z.string(), number: z.string(), commitmentId: z.string(), status: z.enum(prefillStatuses) })), {
      description: 'The subcontractor invoices summed, with their status at the time',
    }),
    changeOrders: z.withMeta(
      z.array(
        z.object({
          changeOrderId: z.string(),
          commitmentId: z.string(),
          number: z.string(),
          title: z.string(),
          totalCents: z.number().check(z.int()),
          approvedAt: z.iso.datetime(),
        }),
      ),
      { description: 'Commitment change orders approved in the billing period' },
    ),
  }),
  {
    id: 'OwnerInvoicePrefill',
    description: 'The last pre-fill from the billing period’s subcontractor invoices (approved, approved as noted or pending owner approval)',
  },
);

export const ownerInvoiceResponse = z.withMeta(
  z.object({
    ...ownerInvoiceHeader,
    retainage: z.withMeta(retainageSettings, { description: 'The head contract’s retainage settings the figures use' }),
    lines: z.array(invoiceLine),
    prefill: z.nullable(ownerInvoicePrefill),
  }),
  { id: 'OwnerInvoice', description: 'A payment application to the owner: G703 lines and G702 summary, computed as for subcontractor invoices' },
);
export type OwnerInvoiceResponse = z.infer<typeof ownerInvoiceResponse>;

export const ownerInvoiceListItem = z.withMeta(z.object(ownerInvoiceHeader), { id: 'OwnerInvoiceListItem', description: 'An owner invoice without its lines' });
export const ownerInvoiceList = z.withMeta(z.object({ items: z.array(ownerInvoiceListItem), nextCursor: z.nullable(z.string()) }), { id: 'OwnerInvoiceList' });


export const ownerInvoicePreview = z.withMeta(
  z.object({
    ownerInvoiceId: z.string(),
    totals: invoiceTotals,
    summary: invoiceSummary,
    lines: z.array(invoiceLine),
  }),
  { id: 'OwnerInvoicePreview', description: 'The G702/G703 figures the given entries would give; nothing is saved' },
);

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

const tags = ['owner invoices'];

export const ownerInvoiceDocs = {
  createOwnerInvoice: {
    summary: 'Create an owner invoice in the open billing period (else the most recent): one progress invoice per period, or a retainage release',
    tags,
    response: { description: 'The owner invoice (Location, ETag)', schema: ownerInvoiceResponse },
  },
  listOwnerInvoices: {
    summary: 'A head contract’s owner invoices in position order, a page at a time',
    tags,
    response: { description: 'A page of owner invoices', schema: ownerInvoiceList },
  },
  getOwnerInvoice: {
    summary: 'One owner invoice with its G703 lines and G702 summary',
    tags,
    response: { description: 'The owner invoice (ETag: its version)', schema: ownerInvoiceResponse },
  },
  updateOwnerInvoice: {
    summary: 'Enter line figures (only in draft or revise & resubmit, only the latest; If-Match required)',
    tags,
    response: { description: 'The owner invoice (ETag: its new version)', schema: ownerInvoiceResponse },
  },
  deleteOwnerInvoice: {
    summary: 'Delete the latest owner invoice of its head contract (never once approved or paid)',
    tags,
    response: { description: 'Deleted' },
  },
  changeOwnerInvoiceStatus: {
    summary: 'Send an owner invoice to the owner or record the owner’s answer (If-Match required); recorded in its history',
    tags,
    response: { description: 'The owner invoice (ETag: its new version)', schema: ownerInvoiceResponse },
  },
  prefillOwnerInvoice: {
    summary: 'Fill work this period and stored materials again from the billing period’s subcontractor costs (only in draft or revise & resubmit; If-Match required)',
    tags,
    response: { description: 'The owner invoice (ETag: its new version) with the pre-fill’s audit trail', schema: ownerInvoiceResponse },
  },
  getOwnerInvoiceHistory: {
    summary: 'Who changed the owner invoice, when, from → to, and the figures changed',
    tags,
    response: { description: 'The history, oldest first', schema: ownerInvoiceHistory },
  },
  previewOwnerInvoiceSummary: {
    summary: 'The G702 summary (and G703 lines) the given entries would give, computed as a PATCH would; nothing is saved',
    tags,
    response: { description: 'The figures, unsaved', schema: ownerInvoicePreview },
  },
  exportOwnerInvoiceCsv: {
    summary: 'The G703 lines as CSV (amounts in currency units, exact to the cent), with a totals row',
    tags,
    response: { description: 'CSV (RFC 4180)' },
  },
  getOwnerInvoicePdf: {
    summary: 'The owner invoice PDF (G702 summary to the owner, G703 continuation sheets) in the project’s terms: rendered for its version, stored, served by a presigned URL',
    tags,
    response: { description: 'Where to download the PDF', schema: invoicePdfResponse },
  },
  emailOwnerInvoice: {
    summary: 'Email the owner invoice PDF to the addresses given and the owner’s contacts (Idempotency-Key: sent once); recorded in its history',
    tags,
    response: { description: 'The email is on its way', schema: forwardInvoiceResponse },
  },
} satisfies Record<OperationIdOf<typeof ownerInvoiceRoutes>, RouteDocs>;
