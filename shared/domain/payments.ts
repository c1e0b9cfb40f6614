/**
 * Payments issued against an invoice (docs/domain.md: payment status is derived from payments
 * issued), pure: integer cents in, the invoice's payment status out.
 *
 * What is due is the invoice's current payment due (G702 line 8). An invoice that asks for
 * nothing (line 8 ≤ 0: nothing billed, or a credit) has nothing left to pay: it is `paid`.
 */
import { addCents, assertCents, formatCents } from './cents';
import type { InvoicePaymentStatus } from './invoices';

/** How a payment was made (issued to a subcontractor or received from the owner). */
export const paymentMethods = ['check', 'credit_card', 'electronic'] as const;

export interface InvoicePayments {
  /** G702 line 8 of the invoice. */
  dueCents: number;
  /** The sum of the payments recorded against it. */
  paidCents: number;
}

export function invoicePaymentStatus({ dueCents, paidCents }: InvoicePayments): InvoicePaymentStatus {
  assertCents(dueCents);
  assertCents(paidCents);
  if (paidCents >= dueCents) return 'paid';
  return paidCents > 0 ? 'partially_paid' : 'unpaid';
}

/**
 * The largest payment, and the largest sum of payments an invoice may carry: 10^14 cents (one
 * trillion in the currency) is beyond any construction contract and far inside exact integers.
 */
export const maxPaymentCents = 10 ** 14;

/** Why a payment of `amountCents` cannot be recorded against the invoice (its paid sum would pass the bound), or undefined. */
export function paymentAmountRefusal(invoice: InvoicePayments, amountCents: number): string | undefined {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > maxPaymentCents) {
    return `must be a whole number of cents from 1 to ${maxPaymentCents}`;
  }
  if (invoice.paidCents + amountCents > maxPaymentCents) {
    return `would bring the invoice's payments to more than ${maxPaymentCents} cents (it has ${invoice.paidCents} paid)`;
  }
  return undefined;
}

/** What recording (positive) or removing (negative) a payment leaves: the new sum, its status, and whether it pays more than is due. */
export function applyPayment(invoice: InvoicePayments, changeCents: number) {
  const paidCents = addCents(invoice.paidCents, changeCents);
  return {
    paidCents,
    paymentStatus: invoicePaymentStatus({ dueCents: invoice.dueCents, paidCents }),
    /** Cents paid beyond what is due (0 when not overpaid). */
    overpaidCents: Math.max(0, addCents(paidCents, -Math.max(invoice.dueCents, 0))),
  };
}

/** Payment numbers are unique per commitment ignoring case and surrounding spaces: "chq-1" is " CHQ-1". */
export const normalizePaymentNumber = (number: string): string => number.trim().toUpperCase();

/**
 * Why recording `amountCents` against the invoice would overpay it (→ 409), or undefined: when it
 * would pass what is due and overpayment was not allowed. `name` is how the invoice is referred to.
 */
export function overpaymentRefusal(invoice: InvoicePayments & { name: string }, amountCents: number, allowOverpayment: boolean): string | undefined {
  const { overpaidCents } = applyPayment(invoice, amountCents);
  if (overpaidCents === 0 || allowOverpayment) return undefined;
  return (
    `${invoice.name} has ${formatCents(invoice.dueCents)} due and ${formatCents(invoice.paidCents)} paid; ` +
    `this payment of ${formatCents(amountCents)} would overpay it by ${formatCents(overpaidCents)}. Send allowOverpayment: true to record it anyway.`
  );
}
