import { describe, expect, it } from 'vitest';
import { MoneyError } from '../../shared/domain/money';
import { applyPayment, invoicePaymentStatus, maxPaymentCents, normalizePaymentNumber, overpaymentRefusal, paymentAmountRefusal } from '../../shared/domain/payments';

describe('invoicePaymentStatus: from the current payment due (G702 line 8) and what was paid, in exact cents', () => {
  it('is unpaid while nothing is paid', () => {
    expect(invoicePaymentStatus({ dueCents: 179_212, paidCents: 0 })).toBe('unpaid');
  });

  it('is partially paid from the first cent to one cent short', () => {
    expect(invoicePaymentStatus({ dueCents: 179_212, paidCents: 1 })).toBe('partially_paid');
    expect(invoicePaymentStatus({ dueCents: 179_212, paidCents: 179_211 })).toBe('partially_paid');
  });

  it('is paid when the payments equal the amount due, or exceed it', () => {
    expect(invoicePaymentStatus({ dueCents: 179_212, paidCents: 179_212 })).toBe('paid');
    expect(invoicePaymentStatus({ dueCents: 179_212, paidCents: 179_213 })).toBe('paid');
  });

  it('is paid when nothing is due (nothing billed this period, or a credit)', () => {
    expect(invoicePaymentStatus({ dueCents: 0, paidCents: 0 })).toBe('paid');
    expect(invoicePaymentStatus({ dueCents: -12_500, paidCents: 0 })).toBe('paid');
  });

  it('refuses amounts that are not whole cents', () => {
    expect(() => invoicePaymentStatus({ dueCents: 100.5, paidCents: 0 })).toThrow(MoneyError);
  });
});

describe('applyPayment: recording (+) or removing (−) a payment', () => {
  const invoice = { dueCents: 2_513_882, paidCents: 0 };

  it('adds to the paid sum and moves the status through partially paid to paid', () => {
    const first = applyPayment(invoice, 1_000_000);
    expect(first).toEqual({ paidCents: 1_000_000, paymentStatus: 'partially_paid', overpaidCents: 0 });
    const second = applyPayment({ ...invoice, paidCents: first.paidCents }, 1_513_882);
    expect(second).toEqual({ paidCents: 2_513_882, paymentStatus: 'paid', overpaidCents: 0 });
  });

  it('reverses: removing the only payment leaves the invoice unpaid', () => {
    expect(applyPayment({ ...invoice, paidCents: 2_513_882 }, -2_513_882)).toEqual({ paidCents: 0, paymentStatus: 'unpaid', overpaidCents: 0 });
    expect(applyPayment({ ...invoice, paidCents: 2_513_882 }, -1)).toEqual({ paidCents: 2_513_881, paymentStatus: 'partially_paid', overpaidCents: 0 });
  });

  it('reports by how many cents a payment overpays', () => {
    expect(applyPayment({ ...invoice, paidCents: 2_500_000 }, 13_883).overpaidCents).toBe(1);
    expect(applyPayment({ dueCents: 0, paidCents: 0 }, 500).overpaidCents).toBe(500);
    expect(applyPayment({ dueCents: -12_500, paidCents: 0 }, 500).overpaidCents).toBe(500);
  });
});

describe('overpaymentRefusal: one rule for payments issued and payments received', () => {
  const invoice = { dueCents: 900_001, paidCents: 400_000, name: 'Owner invoice 1' };
  it('accepts what fits, refuses a cent more naming the amounts, unless overpayment is allowed', () => {
    expect(overpaymentRefusal(invoice, 500_001, false)).toBeUndefined();
    expect(overpaymentRefusal(invoice, 500_002, false)).toBe(
      'Owner invoice 1 has 9000.01 due and 4000.00 paid; this payment of 5000.02 would overpay it by 0.01. Send allowOverpayment: true to record it anyway.',
    );
    expect(overpaymentRefusal(invoice, 500_002, true)).toBeUndefined();
  });
});

describe('normalizePaymentNumber', () => {
  it('ignores case and surrounding spaces', () => {
    expect(normalizePaymentNumber(' chq-001 ')).toBe(normalizePaymentNumber('CHQ-001'));
  });
});

describe('paymentAmountRefusal: payments and an invoice’s paid sum stay within 10^14 cents', () => {
  it('accepts a payment up to the bound, and refuses what would pass it', () => {
    expect(paymentAmountRefusal({ dueCents: 100, paidCents: 0 }, maxPaymentCents)).toBeUndefined();
    expect(paymentAmountRefusal({ dueCents: 100, paidCents: 1 }, maxPaymentCents)).toMatch(/more than 100000000000000 cents/);
    expect(paymentAmountRefusal({ dueCents: 100, paidCents: 0 }, maxPaymentCents + 1)).toMatch(/from 1 to/);
    expect(paymentAmountRefusal({ dueCents: 100, paidCents: 0 }, 0)).toMatch(/from 1 to/);
    expect(paymentAmountRefusal({ dueCents: 100, paidCents: 0 }, 1.5)).toMatch(/whole number/);
  });
});
