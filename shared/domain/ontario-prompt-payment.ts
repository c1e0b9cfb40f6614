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
