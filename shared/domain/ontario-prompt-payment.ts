/**
 * Ontario prompt payment and holdback (Construction Act, R.S.O. 1990, c. C.30, Part I.1),
 * pure. Periods are calendar days, as the Act counts them:
 * - a proper invoice (s 6.1, the fields below) given to the owner is paid within 28 days
 *   (s 6.4(1)); the owner may instead give a notice of non-payment (Form 1) within 14 days
 *   (s 6.4(2));
 * - each tier down pays 7 days after it is paid (contractor → subcontractor s 6.5(1),
 *   subcontractor → its subcontractor s 6.6(1)), so tier n is due 28 + 7n days after the proper
 *   invoice when everyone above pays on time;
 * - a payer below the owner who does not pay because it was not paid gives its own notice
 *   within 7 days of receiving the notice from above (s 6.5(6)/6.6(6) with Forms 2/4), and one who
 *   disputes the amount itself gives notice no later than 35 days after the proper invoice was
 *   given to the owner for the contractor (s 6.5(6)) — 28 + 7n for tier n;
 * - 10 % of the price of services and materials is held back (s 22): the en-CA default.
 * (A deadline on a holiday moves to the next day that is not one, Legislation Act, 2006 s 89;
 * that is left to the caller, which knows the calendar.)
 */
import { addCalendarDays } from './business-days';
import type { FieldIssue } from './errors';
import { formatCents } from './cents';

export const ontarioAct = 'Construction Act, R.S.O. 1990, c. C.30 (Ontario), Part I.1';
export const ontarioHoldbackPercent = '10';

/** What a proper invoice must carry (Construction Act s 6.1 "proper invoice"). */
export const ontarioProperInvoiceFields = [
  { field: 'contractorName', describes: "the contractor's name and address" },
  { field: 'contractorAddress', describes: "the contractor's name and address" },
  { field: 'invoiceDate', describes: 'the date of the proper invoice' },
  { field: 'periodStart', describes: 'the period during which the services or materials were supplied' },
  { field: 'periodEnd', describes: 'the period during which the services or materials were supplied' },
  { field: 'authority', describes: 'information identifying the authority (contract or otherwise) under which they were supplied' },
  { field: 'description', describes: 'a description, with quantities where appropriate, of what was supplied' },
  { field: 'amountPayableCents', describes: 'the amount payable for them' },
  { field: 'paymentTerms', describes: 'the payment terms' },
  { field: 'payeeName', describes: 'the name, title, telephone number and mailing address of the person to be paid' },
  { field: 'payeeTitle', describes: 'the name, title, telephone number and mailing address of the person to be paid' },
  { field: 'payeePhone', describes: 'the name, title, telephone number and mailing address of the person to be paid' },
  { field: 'payeeMailingAddress', describes: 'the name, title, telephone number and mailing address of the person to be paid' },
] as const;

export type ProperInvoiceField = (typeof ontarioProperInvoiceFields)[number]['field'];
export type ProperInvoice = Partial<Record<ProperInvoiceField, string | number>>;

/** The fields a proper invoice is missing, each saying what the Act asks for; empty when it is proper. */
export function properInvoiceIssues(invoice: ProperInvoice): { field: ProperInvoiceField; message: string }[] {
  return ontarioProperInvoiceFields
    .filter(({ field }) => {
      const value = invoice[field];
      return value === undefined || (typeof value === 'string' && value.trim() === '');
    })
    .map(({ field, describes }) => ({ field, message: `required for a proper invoice: ${describes} (Construction Act s 6.1)` }));
}

export function properInvoiceRefusal(invoice: ProperInvoice): string | undefined {
  const issues = properInvoiceIssues(invoice);
  return issues.length === 0 ? undefined : `Not a proper invoice: ${issues.map((i) => i.field).join(', ')} missing.`;
}

/** Tier 0 = the owner paying the contractor; 1 = the contractor paying its subcontractor; and so on. */
export interface PromptPaymentDates {
  tier: number;
  properInvoiceGivenOn: string;
  /** Payment due at this tier when every tier above paid on time. */
  paymentDueOn: string;
  /** The last day to give a notice of non-payment disputing the amount. */
  nonPaymentNoticeBy: string;
}

export function ontarioPromptPaymentDates(properInvoiceGivenOn: string, tier: number): PromptPaymentDates {
  if (!Number.isInteger(tier) || tier < 0) throw new RangeError('tier must be a whole number ≥ 0');
  const paymentDueOn = addCalendarDays(properInvoiceGivenOn, 28 + 7 * tier);
  return {
    tier,
    properInvoiceGivenOn,
    paymentDueOn,
    nonPaymentNoticeBy: tier === 0 ? addCalendarDays(properInvoiceGivenOn, 14) : paymentDueOn,
  };
}

/** A payer below the owner that was itself refused payment passes the notice on within 7 days of receiving it. */
export function passOnNonPaymentNoticeBy(noticeReceivedOn: string): string {
  return addCalendarDays(noticeReceivedOn, 7);
}

// ---- On an invoice ----

/** The proper-invoice fields the contractor enters; the rest come from the invoice, its period and its contract. */
export const enteredProperInvoiceFields = ['contractorAddress', 'paymentTerms', 'payeeName', 'payeeTitle', 'payeePhone', 'payeeMailingAddress'] as const;
export type EnteredProperInvoiceField = (typeof enteredProperInvoiceFields)[number];
export type ProperInvoiceDetails = Partial<Record<EnteredProperInvoiceField, string>>;

/**
 * Where an invoice stands under the Act: `not_given` (not submitted), `not_proper` (a field is
 * missing: the clock has not started), `awaiting_owner_invoice` (below the owner, the days count
 * from the proper invoice given to the owner, not given yet), `due`, `overdue` (past the due date
 * unpaid) or `paid`.
 */
export type PromptPaymentStatus = 'not_given' | 'not_proper' | 'awaiting_owner_invoice' | 'due' | 'overdue' | 'paid';

export interface InvoicePromptPayment {
  tier: number;
  proper: boolean;
  missing: { field: ProperInvoiceField; message: string }[];
  /** The day this invoice was given (submitted), project time. */
  givenOn: string | null;
  /** The day the proper invoice the periods count from was given to the owner (this one at tier 0). */
  ownerInvoiceGivenOn: string | null;
  paymentDueOn: string | null;
  nonPaymentNoticeBy: string | null;
  status: PromptPaymentStatus;
}

/**
 * The payment due date and status of an invoice at `tier` (0: an owner invoice; 1: a
 * subcontractor's invoice to the contractor). `invoice` carries the proper-invoice fields as the
 * invoice has them; `givenOn` is the day it was given; `ownerInvoiceGivenOn` the day the
 * contractor's proper invoice carrying this work was given to the owner (tier ≥ 1; the caller
 * picks the owner invoice of the same period given on or after this one).
 */
export function invoicePromptPayment(input: {
  tier: number;
  invoice: ProperInvoice;
  givenOn?: string;
  ownerInvoiceGivenOn?: string;
  paid: boolean;
  today: string;
}): InvoicePromptPayment {
  const { tier, givenOn, paid, today } = input;
  const missing = properInvoiceIssues(input.invoice);
  const ownerInvoiceGivenOn = tier === 0 ? givenOn : input.ownerInvoiceGivenOn;
  const base = { tier, proper: missing.length === 0, missing, givenOn: givenOn ?? null, ownerInvoiceGivenOn: ownerInvoiceGivenOn ?? null };
  const undated = (status: PromptPaymentStatus): InvoicePromptPayment => ({ ...base, paymentDueOn: null, nonPaymentNoticeBy: null, status });
  if (!givenOn) return undated('not_given');
  if (missing.length > 0) return undated('not_proper');
  if (!ownerInvoiceGivenOn) return undated('awaiting_owner_invoice');
  const dates = ontarioPromptPaymentDates(ownerInvoiceGivenOn, tier);
  const status: PromptPaymentStatus = paid ? 'paid' : today > dates.paymentDueOn ? 'overdue' : 'due';
  return { ...base, paymentDueOn: dates.paymentDueOn, nonPaymentNoticeBy: dates.nonPaymentNoticeBy, status };
}

// ---- Notices of non-payment ----

/**
 * Why the payer gives notice: `disputed` — it disputes the amount itself (owner: Form 1 within 14
 * days of the proper invoice, s 6.4(2); contractor: Form 2 by the day payment falls due, s 6.5(6));
 * `not_paid_from_above` — it was not paid in full by the tier above and passes that on (Form 2
 * with its undertaking to adjudicate, Form 3) within 7 days of receiving that notice (s 6.5(7)).
 */
export const nonPaymentNoticeBases = ['disputed', 'not_paid_from_above'] as const;
export type NonPaymentNoticeBasis = (typeof nonPaymentNoticeBases)[number];

export interface NonPaymentNoticeInput {
  basis: NonPaymentNoticeBasis;
  amountCents: number;
  reason: string;
  givenOn: string;
  /** With `not_paid_from_above`: the day the notice from the tier above was received. */
  noticeFromAboveReceivedOn?: string;
}

/** The last day the Act allows for this notice on this invoice, or why none can be given. */
export function nonPaymentNoticeDeadline(promptPayment: InvoicePromptPayment, notice: Pick<NonPaymentNoticeInput, 'basis' | 'noticeFromAboveReceivedOn'>): { by: string } | { issue: FieldIssue } {
  if (promptPayment.status === 'not_given') return { issue: { field: 'basis', message: 'no notice of non-payment can be given yet: the invoice has not been given (submitted) yet' } };
  if (notice.basis === 'not_paid_from_above') {
    if (promptPayment.tier === 0) return { issue: { field: 'basis', message: 'the owner has no one above it: an owner’s notice disputes the invoice (basis "disputed")' } };
    if (!notice.noticeFromAboveReceivedOn) return { issue: { field: 'noticeFromAboveReceivedOn', message: 'required with basis "not_paid_from_above": the day the notice from the tier above was received' } };
    return { by: passOnNonPaymentNoticeBy(notice.noticeFromAboveReceivedOn) };
  }
  if (promptPayment.nonPaymentNoticeBy === null) {
    const why: Record<PromptPaymentStatus, string> = {
      not_given: '',
      not_proper: 'the invoice is not a proper invoice, so no payment is due under the Act yet',
      awaiting_owner_invoice: 'the deadline counts from the proper invoice given to the owner, which has not been given yet',
      due: '',
      overdue: '',
      paid: '',
    };
    return { issue: { field: 'basis', message: `no notice of non-payment can be given yet: ${why[promptPayment.status]}` } };
  }
  return { by: promptPayment.nonPaymentNoticeBy };
}

/**
 * What is wrong with a notice of non-payment (none: it may be recorded): an amount of 1 cent up
 * to what the invoice asks, a reason, given no earlier than the invoice and by the Act's deadline.
 */
export function nonPaymentNoticeIssues(promptPayment: InvoicePromptPayment, notice: NonPaymentNoticeInput, amountPayableCents: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(notice.amountCents) || notice.amountCents <= 0) issues.push({ field: 'amountCents', message: 'must be a whole number of cents above 0' });
  else if (notice.amountCents > amountPayableCents) {
    issues.push({ field: 'amountCents', message: `must not exceed the amount the invoice asks for (${formatCents(amountPayableCents)})` });
  }
  if (!notice.reason.trim()) issues.push({ field: 'reason', message: 'required: the Act’s forms state the reasons for non-payment' });
  const deadline = nonPaymentNoticeDeadline(promptPayment, notice);
  if ('issue' in deadline) return [...issues, deadline.issue];
  if (promptPayment.givenOn && notice.givenOn < promptPayment.givenOn) issues.push({ field: 'givenOn', message: `must not be before the invoice was given (${promptPayment.givenOn})` });
  if (notice.givenOn > deadline.by) issues.push({ field: 'givenOn', message: `too late: the Act’s deadline for this notice was ${deadline.by}` });
  return issues;
}

/**
 * The proper-invoice fields an invoice has: the entered ones, the contractor's name, the day it
 * is dated (given, or today while a draft: it is dated when given), its billing period, the
 * contract it bills under, its lines and the amount it asks for.
 */
export function properInvoiceOf(input: {
  details: ProperInvoiceDetails | undefined;
  contractorName: string;
  datedOn: string;
  period: { startDate: string; endDate: string } | undefined;
  authority: string;
  lineDescriptions: readonly string[];
  amountPayableCents: number;
}): ProperInvoice {
  const described = input.lineDescriptions.filter((d) => d.trim() !== '');
  return {
    ...input.details,
    contractorName: input.contractorName,
    invoiceDate: input.datedOn,
    ...(input.period && { periodStart: input.period.startDate, periodEnd: input.period.endDate }),
    authority: input.authority,
    ...(described.length > 0 && { description: described.join('; ') }),
    amountPayableCents: input.amountPayableCents,
  };
}

/** The entered fields after a change (given replace, null clears) and what changed, for the history. */
export function mergeProperInvoiceDetails(
  current: ProperInvoiceDetails | undefined,
  patch: Partial<Record<EnteredProperInvoiceField, string | null>>,
): { details: ProperInvoiceDetails; changes: { field: string; from: string | null; to: string | null }[] } {
  const details: ProperInvoiceDetails = { ...current };
  const changes: { field: string; from: string | null; to: string | null }[] = [];
  for (const field of enteredProperInvoiceFields) {
    const to = patch[field];
    if (to === undefined || to === (current?.[field] ?? null)) continue;
    changes.push({ field: `properInvoice.${field}`, from: current?.[field] ?? null, to });
    if (to === null) delete details[field];
    else details[field] = to;
  }
  return { details, changes };
}
