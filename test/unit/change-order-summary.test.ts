import { describe, expect, it } from 'vitest';
import { changeOrderSummary, type SummarizedChangeOrder } from '../../shared/domain/change-order-summary';

/** An invoice for the period starting 1 March 2026 in Sydney (AEDT, UTC+11), created 20 March. */
const invoice = { invoiceCreatedAt: '2026-03-20T01:00:00.000Z', periodStart: '2026-03-01', timeZone: 'Australia/Sydney' };
const approved = (totalCents: number, approvedAt?: string): SummarizedChangeOrder => ({ status: 'approved', totalCents, ...(approvedAt && { approvedAt }) });

describe('changeOrderSummary', () => {
  it('splits additions and deductions into previous months and this month, to the cent', () => {
    const changeOrders = [
      approved(1_234_567, '2026-01-15T03:00:00.000Z'),
      approved(-250_001, '2026-02-27T23:00:00.000Z'),
      approved(30_003, '2026-03-05T00:00:00.000Z'),
      approved(-99, '2026-03-19T22:00:00.000Z'),
      approved(1, '2026-03-10T00:00:00.000Z'),
    ];
    const net = 1_234_567 - 250_001 + 30_003 - 99 + 1;
    expect(changeOrderSummary({ ...invoice, changeOrders, netChangeCents: net })).toEqual({
      previousMonths: { additionsCents: 1_234_567, deductionsCents: 250_001 },
      thisMonth: { additionsCents: 30_004, deductionsCents: 99 },
    });
  });

  it('reads the approval day in the project’s time zone: 28 Feb 13:30 UTC is already 1 March in Sydney', () => {
    const changeOrders = [approved(500, '2026-02-28T13:30:00.000Z'), approved(700, '2026-02-28T12:59:59.999Z')];
    expect(changeOrderSummary({ ...invoice, changeOrders, netChangeCents: 1200 })).toEqual({
      previousMonths: { additionsCents: 700, deductionsCents: 0 },
      thisMonth: { additionsCents: 500, deductionsCents: 0 },
    });
  });

  it('counts only approved change orders that line 2 froze with: not pending, void, or approved after the invoice was created', () => {
    const changeOrders: SummarizedChangeOrder[] = [
      approved(1000, '2026-03-02T00:00:00.000Z'),
      { status: 'pending', totalCents: 5000 },
      { status: 'void', totalCents: 7000 },
      approved(9000, '2026-03-20T01:00:00.001Z'),
    ];
    expect(changeOrderSummary({ ...invoice, changeOrders, netChangeCents: 1000 })).toEqual({
      previousMonths: { additionsCents: 0, deductionsCents: 0 },
      thisMonth: { additionsCents: 1000, deductionsCents: 0 },
    });
  });

  it('counts change orders approved before approval dates were recorded as previous months', () => {
    expect(changeOrderSummary({ ...invoice, changeOrders: [approved(-4200)], netChangeCents: -4200 })).toEqual({
      previousMonths: { additionsCents: 0, deductionsCents: 4200 },
      thisMonth: { additionsCents: 0, deductionsCents: 0 },
    });
  });

  it('gives no breakdown when the change orders do not add up to line 2 (an approval racing the invoice’s creation)', () => {
    const changeOrders = [approved(1000, '2026-03-02T00:00:00.000Z'), approved(2000, '2026-03-20T00:59:59.000Z')];
    expect(changeOrderSummary({ ...invoice, changeOrders, netChangeCents: 1000 })).toBeUndefined();
    expect(changeOrderSummary({ ...invoice, changeOrders: [], netChangeCents: 0 })).toEqual({
      previousMonths: { additionsCents: 0, deductionsCents: 0 },
      thisMonth: { additionsCents: 0, deductionsCents: 0 },
    });
  });
});
