import * as z from 'zod';
import { commaListOf, updatedSinceQuery } from './common';
import type { RouteDefinition } from '../wiring/route-definition';
import { pageQuery } from '../http/cursor';
import { invoiceKinds, invoicePaymentStatuses, invoiceStatuses } from '../domain/invoices';
import { commitmentPath, percentString, projectPath, retainageSettings } from './commitments';
import type { InvoiceLineFigures, LineEntry, StoredSovLine } from '../domain/invoice-figures';
import type { CommitmentItem } from '../db/commitments';
import type { InvoiceItem } from '../db/invoices';
import type { LineReview } from '../domain/invoice-workflow';

const cents = (description: string) => z.number().int().meta({ description });
const decimal = (description: string, example: string) => z.string().min(1).max(32).meta({ description, example });
const percentShown = (description: string) => z.string().meta({ description, example: '50' });

// ---------------------------------------------------------------------------------------------
// Entries: what is entered per line (all optional; invoice-figures.ts checks the combinations)

const entryFields = {
  workThisPeriodCents: z.number().int().optional().meta({ description: 'Amount lines: work completed this period (E); may be negative to correct' }),
  percentComplete: decimal('Amount lines, instead of workThisPeriodCents: total % complete to date (work)', '50').optional(),
  quantityThisPeriod: decimal('Unit lines: quantity completed this period; may be negative to correct', '12.5').optional(),
  materialsStoredCents: z.number().int().optional().meta({ description: 'Amount lines: materials presently stored (F)' }),
  workRetainagePercent: percentString.optional().meta({ description: 'Work retainage % on work completed to date' }),
  workRetainageCents: z.number().int().optional().meta({ description: 'Work retainage by amount (instead of the %)' }),
  materialsRetainagePercent: percentString.optional().meta({ description: 'Amount lines: materials retainage % on F' }),
  materialsRetainageCents: z.number().int().optional().meta({ description: 'Amount lines: materials retainage by amount' }),
  workRetainageReleasedCents: z.number().int().optional().meta({ description: 'Work retainage released this period' }),
  materialsRetainageReleasedCents: z.number().int().optional().meta({ description: 'Materials retainage released this period' }),
};
export type EntryField = keyof typeof entryFields;
export const entryFieldNames = Object.keys(entryFields) as EntryField[];

export const lineEntry = z.object(entryFields).meta({ id: 'InvoiceLineEntry', description: 'What was entered on the line this period' });

// ---------------------------------------------------------------------------------------------
// Figures (shared/domain/invoice-figures.ts)

export const retainageBucket = z
  .object({
    percent: percentShown('The % applied, or for an amount entered the % it is of the base'),
    source: z.enum(['percent', 'amount', 'disabled', 'sliding_scale']),
    baseCents: cents('Work completed to date (D + E) or materials presently stored (F)'),
    retainageCents: cents('Retainage on the base to date, before releases'),
    retainedThisPeriodCents: cents('Change of what is held before this period’s release'),
    releasedThisPeriodCents: cents('Released this period'),
    releasedToDateCents: cents('Released so far'),
    currentlyRetainedCents: cents('Currently retained'),
  })
  .meta({ id: 'RetainageBucket' });

const subLine = z.object({ subLineId: z.string(), description: z.string(), amountCents: z.number().int() });

export const invoiceLine = z
  .object({
    lineId: z.string(),
    costCode: z.string().nullable(),
    description: z.string(),
    changeOrderId: z.string().nullable().meta({ description: 'The approved change order that added the line' }),
    unitOfMeasure: z.string().nullable(),
    subLines: z.array(subLine).meta({ description: 'SSOV sub-lines, for reference (the figures stay per SOV line)' }),
    entry: lineEntry,
    review: z
      .object({ approved: z.boolean(), reason: z.string().nullable(), by: z.string(), at: z.iso.datetime() })
      .nullable()
      .meta({ description: 'The invoice administrator’s decision on the line' }),
    kind: z.enum(['amount', 'unit']),
    scheduledValueCents: cents('C'),
    quantity: z.string().nullable(),
    unitPrice: z.string().nullable(),
    previousQuantity: z.string().nullable(),
    quantityThisPeriod: z.string().nullable(),
    quantityToDate: z.string().nullable(),
    previousWorkCents: cents('D = previous D + previous E'),
    workThisPeriodCents: cents('E'),
    materialsStoredCents: cents('F'),
    completedAndStoredCents: cents('G = D + E + F'),
    percentComplete: percentShown('G ÷ C, 4 places'),
    percentCompleteDisplay: percentShown('G ÷ C, 2 places'),
    balanceToFinishCents: cents('H = C − G'),
    retainageCents: cents('I: work + materials currently retained'),
    workRetainage: retainageBucket,
    materialsRetainage: retainageBucket,
  })
  .meta({ id: 'InvoiceLine' });
export type InvoiceLineResponse = z.infer<typeof invoiceLine>;

export const invoiceTotals = z
  .object({
    scheduledValueCents: z.number().int(),
    previousWorkCents: z.number().int(),
    workThisPeriodCents: z.number().int(),
    materialsStoredCents: z.number().int(),
    completedAndStoredCents: z.number().int(),
    percentComplete: z.string(),
    percentCompleteDisplay: z.string(),
    balanceToFinishCents: z.number().int(),
    retainageCents: z.number().int(),
    retainedThisPeriodCents: z.number().int(),
    releasedThisPeriodCents: z.number().int(),
  })
  .meta({ id: 'InvoiceTotals', description: 'G703 column totals: sums of the lines' });

export const invoiceSummary = z
  .object({
    originalContractSumCents: cents('1'),
    netChangeByChangeOrdersCents: cents('2'),
    contractSumToDateCents: cents('3 = 1 + 2'),
    totalCompletedAndStoredCents: cents('4 = Σ G'),
    workRetainageCents: cents('5a'),
    materialsRetainageCents: cents('5b'),
    totalRetainageCents: cents('5 = 5a + 5b'),
    totalEarnedLessRetainageCents: cents('6 = 4 − 5'),
    previousCertificatesCents: cents('7 = line 6 of the previous invoice'),
    currentPaymentDueCents: cents('8 = 6 − 7'),
    balanceToFinishIncludingRetainageCents: cents('9 = 3 − 6'),
  })
  .meta({ id: 'InvoiceSummary', description: 'The G702 lines' });

// ---------------------------------------------------------------------------------------------
// Invoices

const invoiceHeader = {
  projectId: z.string(),
  invoiceId: z.string(),
  commitmentId: z.string(),
  billingPeriodId: z.string(),
  number: z.string(),
  position: z.number().int().meta({ description: '1, 2, … per commitment' }),
  kind: z.enum(invoiceKinds),
  status: z.enum(invoiceStatuses),
  paymentStatus: z.enum(invoicePaymentStatuses),
  paidCents: z.number().int(),
  totals: invoiceTotals,
  summary: invoiceSummary,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  submittedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
  slidingScale: z
    .object({
      ruleNumber: z.number().int().nullable().meta({ description: '1-based; null once every rule’s limit was reached (0 % withheld)' }),
      description: z.string().meta({ example: '10 % until 5 % of the original contract value ($20000.00) is held' }),
      retainagePercent: z.string(),
      limitCents: z.number().int().nullable(),
      withheldBeforeCents: z.number().int(),
      withheldThisPeriodCents: z.number().int(),
      withheldToDateCents: z.number().int(),
      capped: z.boolean().meta({ description: 'Whether the limit cut this period’s retention short' }),
    })
    .nullable()
    .meta({ description: 'The sliding-scale retention rule that applied to this invoice (null: the commitment had none when it was created)' }),
  paymentSchedule: z
    .object({
      jurisdiction: z.string(),
      claimServedOn: z.iso.date(),
      dueOn: z.iso.date(),
      servedOn: z.iso.date(),
      scheduledCents: z.number().int(),
      differenceCents: z.number().int(),
    })
    .nullable()
    .meta({ description: 'The payment schedule served in answer to this claim (GET …/payment-schedule: its deadline and overdue status before)' }),
};

export const invoiceResponse = z
  .object({
    ...invoiceHeader,
    retainage: retainageSettings.meta({ description: 'The commitment’s retainage settings the figures use' }),
    lines: z.array(invoiceLine),
  })
  .meta({ id: 'Invoice' });
export type InvoiceResponse = z.infer<typeof invoiceResponse>;

export const invoiceListItem = z
  .object({
    ...invoiceHeader,
    commitmentNumber: z.string(),
    commitmentTitle: z.string(),
    vendorName: z.string(),
  })
  .meta({ id: 'InvoiceListItem', description: 'An invoice without its lines' });
export type InvoiceListItemResponse = z.infer<typeof invoiceListItem>;

export const invoiceList = z.object({ items: z.array(invoiceListItem), nextCursor: z.string().nullable() }).meta({ id: 'InvoiceList' });

export const invoicePath = z.object({ projectId: z.string().min(1).max(100), invoiceId: z.string().min(1).max(100) });

export const createInvoiceBody = z
  .object({
    number: z.string().trim().min(1).max(50).optional().meta({ description: 'Unique per commitment; the next in sequence when absent' }),
    kind: z.enum(invoiceKinds).default('progress'),
  })
  .strict()
  .meta({ id: 'CreateInvoice' });

/**
 * A line's change: the fields given replace what was entered, null clears one. Giving one of a
 * pair (workThisPeriodCents | percentComplete, a bucket's % | cents) clears the other.
 */
const lineEntryPatch = z
  .object({
    lineId: z.string().min(1).max(100),
    ...(Object.fromEntries(Object.entries(entryFields).map(([name, schema]) => [name, schema.unwrap().nullable().optional()])) as {
      [K in EntryField]: z.ZodOptional<z.ZodNullable<ReturnType<(typeof entryFields)[K]['unwrap']>>>;
    }),
  })
  .strict()
  .meta({ id: 'InvoiceLineChange' });
export type LineEntryPatch = z.infer<typeof lineEntryPatch>;

/** "Set retainage on all lines" and "release retainage on all lines", applied before `lines`. */
export const allLinesChange = z
  .object({
    workRetainagePercent: percentString.optional().meta({ description: 'Work retainage % on every line' }),
    materialsRetainagePercent: percentString.optional().meta({ description: 'Materials retainage % on every amount line' }),
    releaseAllRetainage: z.literal(true).optional().meta({ description: 'Release everything each line holds (both buckets)' }),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, { message: 'Name at least one change for all lines' })
  .meta({ id: 'InvoiceAllLinesChange' });
export type AllLinesChange = z.infer<typeof allLinesChange>;

export const updateInvoiceBody = z
  .object({
    lines: z
      .array(lineEntryPatch)
      .max(2000)
      .default([])
      .meta({ description: 'Only the lines listed change; they override `allLines`' }),
    allLines: allLinesChange.optional(),
  })
  .strict()
  .refine((body) => body.lines.length > 0 || body.allLines !== undefined, { message: 'Send `lines`, `allLines` or both', path: ['lines'] })
  .meta({ id: 'UpdateInvoice' });

export const listInvoicesQuery = z.object({
  billingPeriodId: z.string().min(1).max(100).optional(),
  commitmentId: z.string().min(1).max(100).optional(),
  status: commaListOf(invoiceStatuses, 'Only invoices in these statuses').optional(),
  updatedSince: updatedSinceQuery('invoices').optional(),
  ...pageQuery,
});

const invoices = '/v1/projects/{projectId}/invoices';
const invoice = `${invoices}/{invoiceId}`;

export const invoiceRoutes = [
  {
    operationId: 'createInvoice',
    method: 'POST',
    path: '/v1/projects/{projectId}/commitments/{commitmentId}/invoices',
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.create_on_behalf', 'invoices.review', 'retainage.create_release_current_period'],
    summary: 'Create the commitment’s invoice for the open billing period (contact, or an admin on their behalf)',
    tags: ['invoices'],
    request: { path: commitmentPath, body: createInvoiceBody },
    response: { status: 201, description: 'The invoice, in draft (Location; ETag: its version)', schema: invoiceResponse },
  },
  {
    operationId: 'listInvoices',
    method: 'GET',
    path: invoices,
    function: 'invoices',
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
    function: 'invoices',
    auth: 'jwt',
    action: 'invoices.view',
    summary: 'One invoice with its lines, G703 totals and G702 summary',
    tags: ['invoices'],
    request: { path: invoicePath },
    response: { status: 200, description: 'The invoice (ETag: its version)', schema: invoiceResponse },
  },
  {
    operationId: 'updateInvoice',
    method: 'PATCH',
    path: invoice,
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.create_as_contact', 'invoices.create_on_behalf', 'invoices.review', 'retainage.set_current_period', 'retainage.set_any_period'],
    summary: 'Enter this period’s figures on some lines (If-Match required); the invoice is recomputed',
    tags: ['invoices'],
    request: { path: invoicePath, body: updateInvoiceBody },
    response: { status: 200, description: 'The invoice, recomputed (ETag: its new version)', schema: invoiceResponse },
  },
  {
    operationId: 'deleteInvoice',
    method: 'DELETE',
    path: invoice,
    function: 'invoices',
    auth: 'jwt',
    action: ['invoices.delete', 'invoices.review'], // review: whose review tasks end with the invoice
    summary: 'Delete the latest invoice of its commitment, unless approved or paid',
    tags: ['invoices'],
    request: { path: invoicePath },
    response: { status: 204, description: 'Deleted' },
  },
] as const satisfies readonly RouteDefinition[];

// ---------------------------------------------------------------------------------------------
// API views

const entryWithoutId = (entry: LineEntry | undefined): Omit<LineEntry, 'lineId'> => {
  if (!entry) return {};
  const { lineId: _lineId, ...rest } = entry;
  return rest;
};

export function toLine(sov: StoredSovLine, figures: InvoiceLineFigures, entry: LineEntry | undefined, review: LineReview | undefined): InvoiceLineResponse {
  return {
    lineId: sov.lineId,
    costCode: sov.costCode ?? null,
    description: sov.description,
    changeOrderId: sov.changeOrderId ?? null,
    unitOfMeasure: sov.unitOfMeasure ?? null,
    subLines: (sov.subLines ?? []).map((s) => ({ subLineId: s.subLineId, description: s.description, amountCents: s.amountCents })),
    entry: entryWithoutId(entry),
    review: review ? { approved: review.approved, reason: review.reason ?? null, by: review.by, at: review.at } : null,
    kind: figures.kind,
    scheduledValueCents: figures.scheduledValueCents,
    quantity: figures.quantity ?? null,
    unitPrice: figures.unitPrice ?? null,
    previousQuantity: figures.previousQuantity ?? null,
    quantityThisPeriod: figures.quantityThisPeriod ?? null,
    quantityToDate: figures.quantityToDate ?? null,
    previousWorkCents: figures.previousWorkCents,
    workThisPeriodCents: figures.workThisPeriodCents,
    materialsStoredCents: figures.materialsStoredCents,
    completedAndStoredCents: figures.completedAndStoredCents,
    percentComplete: figures.percentComplete,
    percentCompleteDisplay: figures.percentCompleteDisplay,
    balanceToFinishCents: figures.balanceToFinishCents,
    retainageCents: figures.retainageCents,
    workRetainage: { ...figures.workRetainage },
    materialsRetainage: { ...figures.materialsRetainage },
  };
}

function header(item: InvoiceItem) {
  const figures = item.figures;
  return {
    projectId: item.projectId,
    invoiceId: item.invoiceId,
    commitmentId: item.commitmentId,
    billingPeriodId: item.billingPeriodId,
    number: item.number,
    position: item.position,
    kind: item.kind,
    status: item.status,
    paymentStatus: item.paymentStatus,
    paidCents: item.paidCents,
    totals: { ...figures.totals },
    summary: { ...figures.summary },
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    submittedAt: item.submittedAt ?? null,
    updatedAt: item.updatedAt,
    version: item.version,
    slidingScale: figures.slidingScale
      ? (({ rule: _rule, ...applied }) => applied)(figures.slidingScale)
      : null,
    paymentSchedule: servedSchedule(item),
  };
}

/** The served payment schedule's headline figures (functions/http/payment-schedules.ts stores it). */
function servedSchedule(item: InvoiceItem) {
  const stored = item.paymentSchedule;
  if (!stored) return null;
  const { jurisdiction, claimServedOn, dueOn, servedOn, figures } = stored;
  return { jurisdiction, claimServedOn, dueOn, servedOn, scheduledCents: figures.scheduledCents, differenceCents: figures.differenceCents };
}

/** The API's view of a stored invoice: its lines (SOV line, entry, figures, review), totals and summary. */
export function toInvoiceResponse(item: InvoiceItem): InvoiceResponse {
  const figures = item.figures;
  const entries = new Map(item.entries.map((e) => [e.lineId, e]));
  const reviews = (item.lineReviews ?? {});
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  return {
    ...header(item),
    retainage: { ...item.contract.retainage },
    lines: figures.lines.map((line) =>
      toLine(sovLines.get(line.lineId) ?? { lineId: line.lineId, description: '', scheduledValueCents: line.scheduledValueCents }, line, entries.get(line.lineId), reviews[line.lineId]),
    ),
  };
}

/** An invoice in a list: without its lines, with its commitment's number, title and vendor. */
export function toInvoiceListItem(item: InvoiceItem, commitment: Pick<CommitmentItem, 'number' | 'title' | 'vendorName'>): InvoiceListItemResponse {
  return { ...header(item), commitmentNumber: commitment.number, commitmentTitle: commitment.title, vendorName: commitment.vendorName };
}
