import { localDate, type CalendarDate } from './billing-periods';
import { addCents } from './money';

/**
 * The G702 change-order summary: the change orders behind an invoice's line 2 (net change by
 * change orders), split into those approved before its billing period ("previous months") and
 * those approved since the period began ("this month"), additions and deductions apart. Pure.
 */

/** What the summary reads of a change order. */
export interface SummarizedChangeOrder {
  status: string;
  /** What it changed the contract sum by, in cents: above zero an addition, below a deduction. */
  totalCents: number;
  /** The instant it was approved; absent on change orders approved before it was recorded. */
  approvedAt?: string;
}

/** Additions and deductions in cents, deductions as positive amounts. */
export interface AdditionsAndDeductions {
  additionsCents: number;
  deductionsCents: number;
}

export interface ChangeOrderSummary {
  previousMonths: AdditionsAndDeductions;
  thisMonth: AdditionsAndDeductions;
}

export interface ChangeOrderSummaryInput {
  changeOrders: readonly SummarizedChangeOrder[];
  /** The instant the invoice was created: its contract terms (line 2) froze then. */
  invoiceCreatedAt: string;
  /** The first day of the invoice's billing period (project-local `YYYY-MM-DD`). */
  periodStart: CalendarDate;
  /** The project's IANA time zone, in which an approval's day is read. */
  timeZone: string;
  /** G702 line 2 as stored on the invoice. */
  netChangeCents: number;
}

/**
 * The summary of the change orders counted in line 2: those approved when the invoice was created.
 * An approval on or after the period's first day (project time) counts as this month, earlier ones
 * and those without an approval date as previous months. Undefined when they do not add up to
 * line 2 (an approval racing the invoice's creation): the PDF then prints line 2 alone rather than
 * a breakdown that disagrees with it.
 */
export function changeOrderSummary(input: ChangeOrderSummaryInput): ChangeOrderSummary | undefined {
  const createdAt = Date.parse(input.invoiceCreatedAt);
  const summary: ChangeOrderSummary = {
    previousMonths: { additionsCents: 0, deductionsCents: 0 },
    thisMonth: { additionsCents: 0, deductionsCents: 0 },
  };
  let net = 0;
  for (const co of input.changeOrders) {
    if (co.status !== 'approved') continue;
    const approvedAt = co.approvedAt === undefined ? undefined : Date.parse(co.approvedAt);
    if (approvedAt !== undefined && approvedAt > createdAt) continue; // after line 2 froze: a later invoice's
    const inPeriod = approvedAt !== undefined && localDate(new Date(approvedAt), input.timeZone) >= input.periodStart;
    const bucket = inPeriod ? summary.thisMonth : summary.previousMonths;
    if (co.totalCents > 0) bucket.additionsCents = addCents(bucket.additionsCents, co.totalCents);
    else bucket.deductionsCents = addCents(bucket.deductionsCents, -co.totalCents);
    net = addCents(net, co.totalCents);
  }
  return net === input.netChangeCents ? summary : undefined;
}
