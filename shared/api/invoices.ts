import * as z from '../zod';
import { centsInput } from './common';
import { invoiceKinds, invoicePaymentStatuses, invoiceStatuses } from '../domain/invoices';
import { percentString, retainageSettings } from './common';
import type { InvoiceFigures, InvoiceLineFigures, LineEntry, RetainageBucket, StoredSovLine } from '../domain/invoice-figures';
import type { CommitmentItem } from '../db/commitments';
import type { InvoiceItem } from '../db/invoices';
import type { LineReview } from '../domain/invoice-workflow';
import { invoiceActions, type InvoiceAction } from '../domain/allowed-actions';
import { allowedActionsField } from './common';
import { noPaymentDeadlines, paymentScheduleDueView, promptPaymentView, type PaymentDeadlines } from './prompt-payment';

const cents = (description: string) => z.withMeta(z.number().check(z.int()), { description });
const decimal = (description: string, example: string) => z.withMeta(z.string().check(z.minLength(1), z.maxLength(32)), { description, example });
const percentShown = (description: string) => z.withMeta(z.string(), { description, example: '50' });

// ---------------------------------------------------------------------------------------------
// Entries: what is entered per line (all optional; invoice-figures.ts checks the combinations)

const centsEntry = (description: string) => z.withMeta(z.optional(centsInput()), { description });
const oldName = (of: string) => ({ deprecated: true, description: `The old name of ${of}, still accepted` });

export const entryFields = {
  workThisPeriodCents: centsEntry('Amount lines: work completed this period (E); may be negative to correct'),
  workCompletedToDateCents: centsEntry(
    'Amount lines, instead of workThisPeriodCents: work completed to date (D + E, stored materials apart); E = this − D, previous work subtracted for you',
  ),
  percentCompleteToDate: z.optional(
    decimal(
      'Amount lines, instead of workThisPeriodCents: % of the line’s work complete to date, an input (the output G ÷ C is completedAndStoredPercent); E = round(C × %) − D',
      '50',
    ),
  ),
  percentComplete: z.withMeta(z.optional(decimal('Old name of percentCompleteToDate', '50')), oldName('percentCompleteToDate')),
  quantityThisPeriod: z.optional(decimal('Unit lines: quantity completed this period; may be negative to correct', '12.5')),
  materialsStoredCents: centsEntry('Amount lines: materials presently stored (F)'),
  workRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Work retainage % on work completed to date' }),
  workRetainedToDateCents: centsEntry('Work retainage by amount, instead of the %: retained on work completed to date, before releases'),
  workRetainageCents: z.withMeta(z.optional(centsInput()), oldName('workRetainedToDateCents')),
  materialsRetainagePercent: z.withMeta(z.optional(percentString), { description: 'Amount lines: materials retainage % on F' }),
  materialsRetainedToDateCents: centsEntry('Amount lines: materials retainage by amount, instead of the %: retained on F, before releases'),
  materialsRetainageCents: z.withMeta(z.optional(centsInput()), oldName('materialsRetainedToDateCents')),
  workReleasedThisInvoiceCents: centsEntry('Work retainage released by this invoice'),
  workRetainageReleasedCents: z.withMeta(z.optional(centsInput()), oldName('workReleasedThisInvoiceCents')),
  materialsReleasedThisInvoiceCents: centsEntry('Materials retainage released by this invoice'),
  materialsRetainageReleasedCents: z.withMeta(z.optional(centsInput()), oldName('materialsReleasedThisInvoiceCents')),
  releaseAllRetainage: z.withMeta(z.optional(z.literal(true)), {
    description: 'Release everything the line holds (both buckets): kept as an intent, recomputed whenever the line’s figures change',
  }),
};
export type EntryField = keyof typeof entryFields;
export const entryFieldNames = Object.keys(entryFields) as EntryField[];

/** The entry field (as invoice-figures.ts and the stored invoice name it) each input name sets: old names stay accepted. */
export const storedFieldOf = {
  workThisPeriodCents: 'workThisPeriodCents',
  workCompletedToDateCents: 'workCompletedToDateCents',
  percentCompleteToDate: 'percentComplete',
  percentComplete: 'percentComplete',
  quantityThisPeriod: 'quantityThisPeriod',
  materialsStoredCents: 'materialsStoredCents',
  workRetainagePercent: 'workRetainagePercent',
  workRetainedToDateCents: 'workRetainageCents',
  workRetainageCents: 'workRetainageCents',
  materialsRetainagePercent: 'materialsRetainagePercent',
  materialsRetainedToDateCents: 'materialsRetainageCents',
  materialsRetainageCents: 'materialsRetainageCents',
  workReleasedThisInvoiceCents: 'workRetainageReleasedCents',
  workRetainageReleasedCents: 'workRetainageReleasedCents',
  materialsReleasedThisInvoiceCents: 'materialsRetainageReleasedCents',
  materialsRetainageReleasedCents: 'materialsRetainageReleasedCents',
  releaseAllRetainage: 'releaseAllRetainage',
} as const satisfies Record<EntryField, Exclude<keyof LineEntry, 'lineId'>>;
export type StoredEntryField = (typeof storedFieldOf)[EntryField];
export const storedEntryFields = [...new Set(Object.values(storedFieldOf))] as StoredEntryField[];
/** The current input name of each entry field (the first name listed above). */
export const inputNameOf = Object.fromEntries(
  storedEntryFields.map((stored) => [stored, entryFieldNames.find((name) => storedFieldOf[name] === stored)!]),
) as Record<StoredEntryField, EntryField>;

export const lineEntry = z.withMeta(z.object(entryFields), {
  id: 'InvoiceLineEntry',
  description: 'What was entered on the line this period (in answers, by the current names only)',
});

// ---------------------------------------------------------------------------------------------
// Figures (shared/domain/invoice-figures.ts)

export const retainageBucket = z.withMeta(
  z.object({
    percent: percentShown('The % applied, or for an amount entered the % it is of the base'),
    source: z.enum(['percent', 'amount', 'disabled', 'sliding_scale']),
    baseCents: cents('Work completed to date (D + E) or materials presently stored (F)'),
    retainedToDateCents: cents('Retained on the base to date, before releases'),
    retainedThisInvoiceCents: cents('Retained by this invoice: the change of what is held before its release (negative when the base shrank)'),
    releasedThisInvoiceCents: cents('Released by this invoice'),
    releasedToDateCents: cents('Released so far'),
    heldCents: cents('Held now: retained to date less released to date'),
    retainageCents: z.withMeta(cents('Old name of retainedToDateCents'), { deprecated: true }),
    retainedThisPeriodCents: z.withMeta(cents('Old name of retainedThisInvoiceCents'), { deprecated: true }),
    releasedThisPeriodCents: z.withMeta(cents('Old name of releasedThisInvoiceCents'), { deprecated: true }),
    currentlyRetainedCents: z.withMeta(cents('Old name of heldCents'), { deprecated: true }),
  }),
  { id: 'RetainageBucket' },
);

const subLine = z.object({ subLineId: z.string(), description: z.string(), amountCents: z.number().check(z.int()) });

export const invoiceLine = z.withMeta(
  z.object({
    lineId: z.string(),
    costCode: z.nullable(z.string()),
    description: z.string(),
    changeOrderId: z.withMeta(z.nullable(z.string()), { description: 'The approved change order that added the line' }),
    unitOfMeasure: z.nullable(z.string()),
    subLines: z.withMeta(z.array(subLine), { description: 'SSOV sub-lines, for reference (the figures stay per SOV line)' }),
    entry: lineEntry,
    review: z.withMeta(z.nullable(z.object({ approved: z.boolean(), reason: z.nullable(z.string()), by: z.string(), at: z.iso.datetime() })), {
      description: 'The invoice administrator’s decision on the line',
    }),
    kind: z.enum(['amount', 'unit']),
    scheduledValueCents: cents('C'),
    quantity: z.nullable(z.string()),
    unitPrice: z.nullable(z.string()),
    previousQuantity: z.nullable(z.string()),
    quantityThisPeriod: z.nullable(z.string()),
    quantityToDate: z.nullable(z.string()),
    previousWorkCents: cents('D = previous D + previous E'),
    workThisPeriodCents: cents('E'),
    materialsStoredCents: cents('F'),
    completedAndStoredCents: cents('G = D + E + F'),
    completedAndStoredPercent: percentShown('G ÷ C, 4 places: an output, stored materials included (the input is entry.percentCompleteToDate)'),
    percentComplete: z.withMeta(percentShown('Old name of completedAndStoredPercent'), { deprecated: true }),
    percentCompleteDisplay: percentShown('G ÷ C, 2 places'),
    balanceToFinishCents: cents('H = C − G'),
    retainageHeldCents: cents('I: work + materials retainage held now'),
    retainageCents: z.withMeta(cents('Old name of retainageHeldCents'), { deprecated: true }),
    workRetainage: retainageBucket,
    materialsRetainage: retainageBucket,
  }),
  { id: 'InvoiceLine' },
);
export type InvoiceLineResponse = z.infer<typeof invoiceLine>;

export const invoiceTotals = z.withMeta(
  z.object({
    scheduledValueCents: z.number().check(z.int()),
    previousWorkCents: z.number().check(z.int()),
    workThisPeriodCents: z.number().check(z.int()),
    materialsStoredCents: z.number().check(z.int()),
    completedAndStoredCents: z.number().check(z.int()),
    completedAndStoredPercent: z.withMeta(z.string(), { description: 'Σ G ÷ Σ C' }),
    percentComplete: z.withMeta(z.string(), { deprecated: true, description: 'Old name of completedAndStoredPercent' }),
    percentCompleteDisplay: z.string(),
    balanceToFinishCents: z.number().check(z.int()),
    retainageHeldCents: z.withMeta(z.number().check(z.int()), { description: 'Σ I: retainage held now' }),
    retainedThisInvoiceCents: z.number().check(z.int()),
    releasedThisInvoiceCents: z.number().check(z.int()),
    retainageCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of retainageHeldCents' }),
    retainedThisPeriodCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of retainedThisInvoiceCents' }),
    releasedThisPeriodCents: z.withMeta(z.number().check(z.int()), { deprecated: true, description: 'Old name of releasedThisInvoiceCents' }),
  }),
  { id: 'InvoiceTotals', description: 'G703 column totals: sums of the lines' },
);

export const invoiceSummary = z.withMeta(
  z.object({
    originalContractSumCents: cents('1'),
    netChangeByChangeOrdersCents: cents('2'),
    contractSumToDateCents: cents('3 = 1 + 2'),
    totalCompletedAndStoredCents: cents('4 = Σ G'),
    workRetainageHeldCents: cents('5a: work retainage held'),
    materialsRetainageHeldCents: cents('5b: materials retainage held'),
    totalRetainageHeldCents: cents('5 = 5a + 5b'),
    workRetainageCents: z.withMeta(cents('Old name of workRetainageHeldCents'), { deprecated: true }),
    materialsRetainageCents: z.withMeta(cents('Old name of materialsRetainageHeldCents'), { deprecated: true }),
    totalRetainageCents: z.withMeta(cents('Old name of totalRetainageHeldCents'), { deprecated: true }),
    totalEarnedLessRetainageCents: cents('6 = 4 − 5'),
    previousCertificatesCents: cents('7 = line 6 of the previous invoice'),
    currentPaymentDueCents: cents('8 = 6 − 7'),
    balanceToFinishIncludingRetainageCents: cents('9 = 3 − 6'),
  }),
  { id: 'InvoiceSummary', description: 'The G702 lines' },
);

// ---------------------------------------------------------------------------------------------
// Invoices

const invoiceHeader = {
  allowedActions: allowedActionsField(invoiceActions, 'InvoiceAction'),
  projectId: z.string(),
  invoiceId: z.string(),
  commitmentId: z.string(),
  billingPeriodId: z.string(),
  number: z.string(),
  position: z.withMeta(z.number().check(z.int()), { description: '1, 2, … per commitment' }),
  kind: z.enum(invoiceKinds),
  status: z.enum(invoiceStatuses),
  paymentStatus: z.enum(invoicePaymentStatuses),
  paidCents: z.number().check(z.int()),
  totals: invoiceTotals,
  summary: invoiceSummary,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  submittedAt: z.nullable(z.iso.datetime()),
  updatedAt: z.iso.datetime(),
  version: z.number().check(z.int()),
  slidingScale: z.withMeta(
    z.nullable(
      z.object({
        ruleNumber: z.withMeta(z.nullable(z.number().check(z.int())), { description: '1-based; null once every rule’s limit was reached (0 % withheld)' }),
        description: z.withMeta(z.string(), { example: '10 % until 5 % of the original contract value ($20000.00) is held' }),
        retainagePercent: z.string(),
        limitCents: z.nullable(z.number().check(z.int())),
        withheldBeforeCents: z.number().check(z.int()),
        withheldThisPeriodCents: z.number().check(z.int()),
        withheldToDateCents: z.number().check(z.int()),
        capped: z.withMeta(z.boolean(), { description: 'Whether the limit cut this period’s retention short' }),
      }),
    ),
    { description: 'The sliding-scale retention rule that applied to this invoice (null: the commitment had none when it was created)' },
  ),
  paymentSchedule: z.withMeta(
    z.nullable(
      z.object({
        jurisdiction: z.string(),
        claimServedOn: z.iso.date(),
        dueOn: z.iso.date(),
        servedOn: z.iso.date(),
        scheduledCents: z.number().check(z.int()),
        differenceCents: z.number().check(z.int()),
      }),
    ),
    { description: 'The payment schedule served in answer to this claim (GET …/payment-schedule: its deadline and overdue status before)' },
  ),
  paymentScheduleDue: paymentScheduleDueView,
  promptPayment: promptPaymentView,
};

export const invoiceResponse = z.withMeta(
  z.object({
    ...invoiceHeader,
    retainage: z.withMeta(retainageSettings, { description: 'The commitment’s retainage settings the figures use' }),
    lines: z.array(invoiceLine),
  }),
  { id: 'Invoice' },
);
export type InvoiceResponse = z.infer<typeof invoiceResponse>;

export const invoiceListItem = z.withMeta(
  z.object({
    ...invoiceHeader,
    commitmentNumber: z.string(),
    commitmentTitle: z.string(),
    vendorName: z.string(),
  }),
  { id: 'InvoiceListItem', description: 'An invoice without its lines' },
);
export type InvoiceListItemResponse = z.infer<typeof invoiceListItem>;

export const invoiceList = z.withMeta(z.object({ items: z.array(invoiceListItem), nextCursor: z.nullable(z.string()) }), { id: 'InvoiceList' });

export { invoicePath } from './common';

// ---------------------------------------------------------------------------------------------
// API views

export { noPaymentDeadlines, type PaymentDeadlines } from './prompt-payment';

/** What was entered, by the current input names. */
const entryByInputNames = (entry: LineEntry | undefined): InvoiceLineResponse['entry'] =>
  Object.fromEntries(storedEntryFields.filter((field) => entry?.[field] !== undefined).map((field) => [inputNameOf[field], entry![field]]));

/** A retainage bucket by the current names, the old ones beside them. */
const bucketView = (bucket: RetainageBucket): InvoiceLineResponse['workRetainage'] => ({
  ...bucket,
  retainedToDateCents: bucket.retainageCents,
  retainedThisInvoiceCents: bucket.retainedThisPeriodCents,
  releasedThisInvoiceCents: bucket.releasedThisPeriodCents,
  heldCents: bucket.currentlyRetainedCents,
});

export function toLine(sov: StoredSovLine, figures: InvoiceLineFigures, entry: LineEntry | undefined, review: LineReview | undefined): InvoiceLineResponse {
  return {
    lineId: sov.lineId,
    costCode: sov.costCode ?? null,
    description: sov.description,
    changeOrderId: sov.changeOrderId ?? null,
    unitOfMeasure: sov.unitOfMeasure ?? null,
    subLines: (sov.subLines ?? []).map((s) => ({ subLineId: s.subLineId, description: s.description, amountCents: s.amountCents })),
    entry: entryByInputNames(entry),
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
    completedAndStoredPercent: figures.percentComplete,
    percentComplete: figures.percentComplete,
    percentCompleteDisplay: figures.percentCompleteDisplay,
    balanceToFinishCents: figures.balanceToFinishCents,
    retainageHeldCents: figures.retainageCents,
    retainageCents: figures.retainageCents,
    workRetainage: bucketView(figures.workRetainage),
    materialsRetainage: bucketView(figures.materialsRetainage),
  };
}

/** The G703 column totals under their API names (subcontractor and owner invoices alike). */
export const totalsView = (figures: InvoiceFigures) => ({
  ...figures.totals,
  completedAndStoredPercent: figures.totals.percentComplete,
  retainageHeldCents: figures.totals.retainageCents,
  retainedThisInvoiceCents: figures.totals.retainedThisPeriodCents,
  releasedThisInvoiceCents: figures.totals.releasedThisPeriodCents,
});

/** The G702 lines under their API names (subcontractor and owner invoices alike). */
export const summaryView = (figures: InvoiceFigures) => ({
  ...figures.summary,
  workRetainageHeldCents: figures.summary.workRetainageCents,
  materialsRetainageHeldCents: figures.summary.materialsRetainageCents,
  totalRetainageHeldCents: figures.summary.totalRetainageCents,
});

function header(item: InvoiceItem, allowedActions: InvoiceAction[], deadlines: PaymentDeadlines) {
  const figures = item.figures;
  return {
    allowedActions,
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
    totals: totalsView(figures),
    summary: summaryView(figures),
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    submittedAt: item.submittedAt ?? null,
    updatedAt: item.updatedAt,
    version: item.version,
    slidingScale: figures.slidingScale
      ? (({ rule: _rule, ...applied }) => applied)(figures.slidingScale)
      : null,
    paymentSchedule: servedSchedule(item),
    paymentScheduleDue: deadlines.paymentScheduleDue,
    promptPayment: deadlines.promptPayment,
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
export function toInvoiceResponse(item: InvoiceItem, allowedActions: InvoiceAction[], deadlines: PaymentDeadlines = noPaymentDeadlines): InvoiceResponse {
  const figures = item.figures;
  const entries = new Map(item.entries.map((e) => [e.lineId, e]));
  const reviews = (item.lineReviews ?? {});
  const sovLines = new Map(item.sovLines.map((line) => [line.lineId, line]));
  return {
    ...header(item, allowedActions, deadlines),
    retainage: { ...item.contract.retainage },
    lines: figures.lines.map((line) =>
      toLine(sovLines.get(line.lineId) ?? { lineId: line.lineId, description: '', scheduledValueCents: line.scheduledValueCents }, line, entries.get(line.lineId), reviews[line.lineId]),
    ),
  };
}

/** An invoice in a list: without its lines, with its commitment's number, title and vendor. */
export function toInvoiceListItem(
  item: InvoiceItem,
  commitment: Pick<CommitmentItem, 'number' | 'title' | 'vendorName'>,
  allowedActions: InvoiceAction[],
  deadlines: PaymentDeadlines = noPaymentDeadlines,
): InvoiceListItemResponse {
  return { ...header(item, allowedActions, deadlines), commitmentNumber: commitment.number, commitmentTitle: commitment.title, vendorName: commitment.vendorName };
}
