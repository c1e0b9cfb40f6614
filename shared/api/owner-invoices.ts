/**
 * The owner invoice answers (OwnerInvoice, its list item, its pre-fill) and the views that make them,
 * which most owner-invoice routes reply with. What the routes take, and the routes, live in a module
 * per function (owner-invoice-drafts.ts, -reads, -workflow, -documents), so that each function bundles only
 * its own routes' schemas; the G703 CSV is g703-csv.ts.
 */
import * as z from '../zod';
import { invoiceKinds, invoicePaymentStatuses } from '../domain/invoices';
import { ownerInvoiceStatuses, prefillStatuses } from '../domain/owner-invoices';
import type { StoredPrefill } from '../domain/owner-prefill';
import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import { retainageSettings } from './common';
import { promptPaymentView } from './prompt-payment';
import { invoiceLine, invoiceSummary, invoiceTotals, summaryView, toLine, totalsView } from './invoices';

type PromptPaymentView = z.infer<typeof promptPaymentView>;

export { ownerInvoicePath } from './common';

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

function header(item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null) {
  return {
    projectId: item.projectId,
    ownerInvoiceId: item.ownerInvoiceId,
    headContractId: item.headContractId,
    billingPeriodId: item.billingPeriodId,
    number: item.number,
    position: item.position,
    kind: item.kind,
    status: item.status,
    paymentStatus: item.paymentStatus,
    paidCents: item.paidCents,
    totals: totalsView(item.figures),
    summary: summaryView(item.figures),
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    submittedAt: item.submittedAt ?? null,
    updatedAt: item.updatedAt,
    version: item.version,
    promptPayment,
  };
}

/** The API's view of a stored owner invoice: the subcontractor invoice's lines, totals and summary. */
export function toOwnerInvoiceResponse(item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null): OwnerInvoiceResponse {
  const entries = new Map(item.entries.map((e) => [e.lineId, e]));
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  return {
    ...header(item, promptPayment),
    retainage: { ...item.contract.retainage },
    lines: item.figures.lines.map((line) =>
      toLine(sovLines.get(line.lineId) ?? { lineId: line.lineId, description: '', scheduledValueCents: line.scheduledValueCents }, line, entries.get(line.lineId), undefined),
    ),
    prefill: item.prefill ? prefillView(item.prefill) : null,
  };
}

const sourceView = <T extends { commitmentNumber?: string; costCode?: string }>(source: T) => ({ ...source, commitmentNumber: source.commitmentNumber ?? null, costCode: source.costCode ?? null });

function prefillView(prefill: StoredPrefill): z.infer<typeof ownerInvoicePrefill> {
  return {
    by: prefill.by,
    at: prefill.at,
    lines: prefill.lines.map((line) => ({ ...line, costCode: line.costCode ?? null, sources: line.sources.map(sourceView) })),
    unmapped: prefill.unmapped.map(sourceView),
    includedInvoices: prefill.includedInvoices,
    changeOrders: prefill.changeOrders,
  };
}

export const toOwnerInvoiceListItem = (item: OwnerInvoiceItem, promptPayment: PromptPaymentView = null) => header(item, promptPayment);
