import { describe, expect, it } from 'vitest';
import {
  ontarioHoldbackPercent,
  ontarioPromptPaymentDates,
  passOnNonPaymentNoticeBy,
  properInvoiceIssues,
  properInvoiceRefusal,
  type ProperInvoice,
} from '../../shared/domain/ontario-prompt-payment';

const proper: ProperInvoice = {
  contractorName: 'Maple Framing Ltd.',
  contractorAddress: '12 King St W, Toronto ON',
  invoiceDate: '2027-01-29',
  periodStart: '2027-01-01',
  periodEnd: '2027-01-31',
  authority: 'Subcontract SC-004 dated 2026-09-01',
  description: 'Framing, levels 2–3: 1,200 m²',
  amountPayableCents: 15_820_000,
  paymentTerms: 'Net 28 days (Construction Act)',
  payeeName: 'Ana Silva',
  payeeTitle: 'Controller',
  payeePhone: '+1 416 555 0100',
  payeeMailingAddress: '12 King St W, Toronto ON M5H 1A1',
};

describe('Ontario prompt payment', () => {
  it('10 % holdback', () => expect(ontarioHoldbackPercent).toBe('10'));

  it('a proper invoice has every field the Act lists', () => {
    expect(properInvoiceRefusal(proper)).toBeUndefined();
    const { payeePhone: _phone, ...noPhone } = proper;
    expect(properInvoiceIssues({ ...noPhone, authority: ' ' }).map((i) => i.field)).toEqual(['authority', 'payeePhone']);
    expect(properInvoiceRefusal({ ...noPhone })).toBe('Not a proper invoice: payeePhone missing.');
  });

  it('owner pays 28 days after a proper invoice (notice within 14); 7 days more down each tier', () => {
    expect(ontarioPromptPaymentDates('2027-01-29', 0)).toEqual({ tier: 0, properInvoiceGivenOn: '2027-01-29', paymentDueOn: '2027-02-26', nonPaymentNoticeBy: '2027-02-12' });
    expect(ontarioPromptPaymentDates('2027-01-29', 1)).toMatchObject({ paymentDueOn: '2027-03-05', nonPaymentNoticeBy: '2027-03-05' }); // 35 days
    expect(ontarioPromptPaymentDates('2027-01-29', 2).paymentDueOn).toBe('2027-03-12');
    expect(passOnNonPaymentNoticeBy('2027-02-12')).toBe('2027-02-19');
    expect(() => ontarioPromptPaymentDates('2027-01-29', -1)).toThrow(RangeError);
  });
});
