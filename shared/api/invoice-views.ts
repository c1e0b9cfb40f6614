/**
 * The API's views of a stored invoice (its answers; the schemas they follow are in invoice-answers.ts,
 * which no handler bundles): lines with their entry, figures and review, the G703 totals, the G702 summary.
 */
import type { InvoiceFigures, InvoiceLineFigures, LineEntry, RetainageBucket, StoredSovLine } from '../domain/invoice-figures';
import type { CommitmentItem } from '../db/commitments';
import type { InvoiceItem } from '../db/invoices';
import type { LineReview } from '../domain/invoice-workflow';
import type { InvoiceAction } from '../domain/allowed-actions';
import { noPaymentDeadlines, type PaymentDeadlines } from './invoice-deadlines';
import { inputNameOf, storedEntryFields } from './invoice-entry-names';
import type { InvoiceLineResponse, InvoiceListItemResponse, InvoiceResponse } from './invoice-answers';

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
