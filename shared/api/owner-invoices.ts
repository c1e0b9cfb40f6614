import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { invoiceKinds, invoicePaymentStatuses } from '../domain/invoices';
import { ownerInvoiceStatuses } from '../domain/owner-invoices';
import { prefillStatuses, type StoredPrefill } from '../domain/owner-prefill';
import type { OwnerInvoiceItem } from '../db/entities/owner-invoice';
import { formatCents } from '../domain/money';
import { headContractPath, ownerInvoicePath, retainageSettings } from './common';
import { promptPaymentView } from './prompt-payment';
import { forwardInvoiceResponse, invoicePdfResponse } from './invoice-pdf';
import { invoiceLine, invoiceSummary, invoiceTotals, summaryView, toLine, totalsView } from './invoices';
import { refineStagedRelease, stagedReleaseFields, updateInvoiceBody } from './invoice-requests';

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

export const changeOwnerInvoiceStatusBody = z.withMeta(
  z.strictObject({
    status: z.enum(ownerInvoiceStatuses),
    comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  }),
  {
    id: 'ChangeOwnerInvoiceStatus',
    description: 'draft → under_review (sent to the owner) → approved | approved_as_noted | revise_and_resubmit → under_review',
  },
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

export const emailOwnerInvoiceBody = z.withMeta(
  z.strictObject({
    to: z.withMeta(z._default(z.array(z.email()).check(z.maxLength(20)), []), { description: 'Addresses that receive the PDF besides the owner’s contacts' }),
    includeOwnerContacts: z.withMeta(z._default(z.boolean(), true), { description: 'Also send it to the head contract’s owner contacts (ownerContactEmails)' }),
    message: z.withMeta(z.optional(z.string().check(z.trim(), z.maxLength(2000))), { description: 'A note shown above the invoice details' }),
  }),
  { id: 'EmailOwnerInvoice', description: 'At least one recipient: addresses given, or the owner’s contacts' },
);

const ofHeadContract = '/v1/projects/{projectId}/head-contracts/{headContractId}/owner-invoices';
const one = '/v1/projects/{projectId}/owner-invoices/{ownerInvoiceId}';

export const ownerInvoiceRoutes = [
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
    operationId: 'listOwnerInvoices',
    method: 'GET',
    path: ofHeadContract,
    function: 'ownerInvoices',
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
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'One owner invoice with its G703 lines and G702 summary',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The owner invoice (ETag: its version)', schema: ownerInvoiceResponse },
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
    operationId: 'changeOwnerInvoiceStatus',
    method: 'POST',
    path: `${one}/status`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.edit',
    summary: 'Send an owner invoice to the owner or record the owner’s answer (If-Match required); recorded in its history',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: changeOwnerInvoiceStatusBody },
    response: { status: 200, description: 'The owner invoice (ETag: its new version)', schema: ownerInvoiceResponse },
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
    operationId: 'getOwnerInvoiceHistory',
    method: 'GET',
    path: `${one}/history`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.view',
    summary: 'Who changed the owner invoice, when, from → to, and the figures changed',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'The history, oldest first', schema: ownerInvoiceHistory },
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
  {
    operationId: 'exportOwnerInvoiceCsv',
    method: 'GET',
    path: `${one}/g703.csv`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.export',
    summary: 'The G703 lines as CSV (amounts in currency units, exact to the cent), with a totals row',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'CSV (RFC 4180)', contentType: 'text/csv' },
  },
  {
    operationId: 'getOwnerInvoicePdf',
    method: 'GET',
    path: `${one}/pdf`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.export',
    summary: 'The owner invoice PDF (G702 summary to the owner, G703 continuation sheets) in the project’s terms: rendered for its version, stored, served by a presigned URL',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath },
    response: { status: 200, description: 'Where to download the PDF', schema: invoicePdfResponse },
  },
  {
    operationId: 'emailOwnerInvoice',
    method: 'POST',
    path: `${one}/email`,
    function: 'ownerInvoices',
    auth: 'jwt',
    action: 'owner_invoices.email',
    summary: 'Email the owner invoice PDF to the addresses given and the owner’s contacts (Idempotency-Key: sent once); recorded in its history',
    tags: ['owner invoices'],
    request: { path: ownerInvoicePath, body: emailOwnerInvoiceBody },
    response: { status: 202, description: 'The email is on its way', schema: forwardInvoiceResponse },
  },
] as const satisfies readonly RouteDefinition[];

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

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The G703 continuation sheet as CSV: one row per line (columns A–I plus the retainage buckets),
 * then the totals row, which is the sum of the rows (the figures' totals), so a spreadsheet adds up.
 */
export function g703Csv(item: OwnerInvoiceItem): string {
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  const head = [
    'item', 'cost code', 'description', 'scheduled value (C)', 'from previous application (D)', 'this period (E)', 'materials presently stored (F)',
    'completed and stored to date (G)', '% (G ÷ C)', 'balance to finish (H)', 'work retainage', 'materials retainage', 'retainage (I)',
  ];
  const rows = item.figures.lines.map((line, index) => {
    const sov = sovLines.get(line.lineId);
    return [
      String(index + 1), sov?.costCode ?? '', sov?.description ?? '', formatCents(line.scheduledValueCents), formatCents(line.previousWorkCents),
      formatCents(line.workThisPeriodCents), formatCents(line.materialsStoredCents), formatCents(line.completedAndStoredCents), line.percentCompleteDisplay,
      formatCents(line.balanceToFinishCents), formatCents(line.workRetainage.currentlyRetainedCents), formatCents(line.materialsRetainage.currentlyRetainedCents),
      formatCents(line.retainageCents),
    ];
  });
  const { totals: t, summary } = item.figures;
  // The buckets' totals are G702 lines 5a and 5b: sums of the lines' buckets.
  const totals = [
    '', '', 'Totals', formatCents(t.scheduledValueCents), formatCents(t.previousWorkCents), formatCents(t.workThisPeriodCents), formatCents(t.materialsStoredCents),
    formatCents(t.completedAndStoredCents), t.percentCompleteDisplay, formatCents(t.balanceToFinishCents), formatCents(summary.workRetainageCents),
    formatCents(summary.materialsRetainageCents), formatCents(t.retainageCents),
  ];
  return [head, ...rows, totals].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
