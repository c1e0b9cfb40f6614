import { describe, expect, it } from 'vitest';
import {
  amountDueByLine,
  csvField,
  csvRecords,
  exportRangeRefusal,
  formulaSafe,
  invoiceLineRows,
  lineColumns,
  stalledExportReason,
} from '../../shared/domain/accounting-exports';
import { computeInvoice, type InvoiceContract, type StoredSovLine } from '../../shared/domain/invoice-figures';
import { previousFrom } from '../../shared/db/invoices';
import { sumCents } from '../../shared/domain/money';

describe('export ranges', () => {
  it('takes a period, or both dates in order', () => {
    expect(exportRangeRefusal({ periodId: 'p1' })).toEqual([]);
    expect(exportRangeRefusal({ from: '2027-01-01', to: '2027-01-31' })).toEqual([]);
    expect(exportRangeRefusal({ from: '2027-01-31', to: '2027-01-31' })).toEqual([]);
  });

  it('names the field at fault', () => {
    expect(exportRangeRefusal({})).toEqual([{ field: 'periodId', message: expect.stringMatching(/periodId, or from and to/) }]);
    expect(exportRangeRefusal({ periodId: 'p1', from: '2027-01-01' })).toEqual([{ field: 'from', message: expect.stringMatching(/not both/) }]);
    expect(exportRangeRefusal({ from: '2027-01-01' })).toEqual([{ field: 'to', message: expect.stringMatching(/required/) }]);
    expect(exportRangeRefusal({ from: '2027-02-30', to: '2027-03-01' })).toEqual([{ field: 'from', message: expect.stringMatching(/calendar date/) }]);
    expect(exportRangeRefusal({ from: '2027-02-01', to: '2027-01-31' })).toEqual([{ field: 'to', message: expect.stringMatching(/on or after from/) }]);
    expect(exportRangeRefusal({ from: '2020-01-01', to: '2027-01-31' })).toEqual([{ field: 'to', message: expect.stringMatching(/at most/) }]);
  });
});

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Cable "Cat6", trays')).toBe('"Cable ""Cat6"", trays"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    for (const text of ['=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tx', '\rx']) expect(formulaSafe(text)).toBe(`'${text}`);
    expect(formulaSafe('Level 2 = slab')).toBe('Level 2 = slab');
  });

  it('writes money as 2-place decimals, unprefixed even when negative, with CRLF records', () => {
    const columns = [
      { name: 'description', kind: 'text' },
      { name: 'amount', kind: 'money' },
      { name: 'lineNumber', kind: 'integer' },
      { name: 'percent', kind: 'percent' },
    ] as const;
    const records = [
      ...csvRecords(columns, [
        { description: '=cmd|calc', amount: -1250, lineNumber: 3, percent: '-2.50' },
        { description: 'a, b', amount: 5, lineNumber: 4, percent: '100.00' },
      ]),
    ];
    expect(records).toEqual(['description,amount,lineNumber,percent\r\n', "'=cmd|calc,-12.50,3,-2.50\r\n", '"a, b",0.05,4,100.00\r\n']);
  });
});

describe('a line’s share of the current payment due', () => {
  const sovLines: StoredSovLine[] = [
    { lineId: 'l1', description: 'Cabling', scheduledValueCents: 1_000_001, costCode: '16-200' },
    { lineId: 'l2', description: 'Switchboards', scheduledValueCents: 333_333, costCode: '16-100' },
    { lineId: 'l3', description: 'Lighting', scheduledValueCents: 99_999 },
  ];
  const contract: InvoiceContract = {
    originalContractSumCents: 1_433_333,
    approvedChangeOrdersCents: 0,
    retainage: { workPercent: '7.5', workEnabled: true, materialsPercent: '5', materialsEnabled: true },
  };

  it('adds up to G702 line 8 on a first invoice and on the next (stored materials installed, retainage released)', () => {
    const first = computeInvoice({
      sovLines,
      contract,
      entries: [
        { lineId: 'l1', workThisPeriodCents: 123_457, materialsStoredCents: 50_001 },
        { lineId: 'l2', percentComplete: '33.3333' },
        { lineId: 'l3', materialsStoredCents: 7_777 },
      ],
      overbillingAllowed: false,
    });
    const firstShares = amountDueByLine(first, undefined);
    expect(sumCents(firstShares)).toBe(first.summary.currentPaymentDueCents);

    const second = computeInvoice({
      sovLines,
      contract,
      previous: previousFrom({ figures: first }),
      entries: [
        { lineId: 'l1', workThisPeriodCents: 200_003 },
        { lineId: 'l2', percentComplete: '100', workRetainageReleasedCents: 1_000 },
        { lineId: 'l3', workThisPeriodCents: 7_777, materialsStoredCents: 0 },
      ],
      overbillingAllowed: false,
    });
    const shares = amountDueByLine(second, first);
    expect(sumCents(shares)).toBe(second.summary.currentPaymentDueCents);
    // Each share is the line's own change of earned less retainage: no remainder was moved.
    second.lines.forEach((line, index) => {
      const before = first.lines[index]!;
      expect(shares[index]).toBe(line.completedAndStoredCents - line.retainageCents - (before.completedAndStoredCents - before.retainageCents));
    });

    const rows = invoiceLineRows(
      { invoiceId: 'i2', number: '2', status: 'approved', paymentStatus: 'unpaid', paidCents: 0, figures: second, sovLines },
      {
        project: { projectId: 'p', name: 'Harbour Tower', currency: 'AUD' },
        period: { billingPeriodId: 'bp', startDate: '2027-02-01', endDate: '2027-02-28' },
        commitment: { commitmentId: 'c', number: 'SC-001', vendorName: 'Harbour Electrical' },
        approvedAt: undefined,
        previous: first,
      },
    );
    expect(rows.map((row) => row.lineNumber)).toEqual([1, 2, 3]);
    expect(rows[2]).toMatchObject({ costCode: '', description: 'Lighting', approvedAt: '', currency: 'AUD' });
    expect(sumCents(rows.map((row) => row.completedToDate as number))).toBe(second.summary.totalCompletedAndStoredCents);
    expect(sumCents(rows.map((row) => row.retainageHeldToDate as number))).toBe(second.summary.totalRetainageCents);
    expect(Object.keys(rows[0]!)).toEqual(lineColumns.map((column) => column.name));
  });

  it('puts what the previous invoice had on lines gone since on the last line, so the shares still add up', () => {
    const figures = { lines: [], summary: { currentPaymentDueCents: 0 } } as never;
    expect(amountDueByLine(figures, undefined)).toEqual([]);
    const one = computeInvoice({ sovLines, contract, entries: [{ lineId: 'l1', workThisPeriodCents: 10_000 }], overbillingAllowed: false });
    const shrunk = { ...one, summary: { ...one.summary, currentPaymentDueCents: one.summary.currentPaymentDueCents - 500 } };
    const shares = amountDueByLine(shrunk, undefined);
    expect(sumCents(shares)).toBe(shrunk.summary.currentPaymentDueCents);
  });
});

describe('a stalled export', () => {
  const now = new Date('2027-02-01T12:00:00Z');
  it('fails once its request or its function is lost, never while it may still finish', () => {
    expect(stalledExportReason({ status: 'queued', createdAt: '2027-02-01T11:45:00Z' }, now)).toBeUndefined();
    expect(stalledExportReason({ status: 'queued', createdAt: '2027-02-01T11:00:00Z' }, now)).toMatch(/never started/);
    expect(stalledExportReason({ status: 'running', createdAt: '2027-02-01T11:00:00Z', leaseUntil: '2027-02-01T11:55:00Z' }, now)).toBeUndefined();
    expect(stalledExportReason({ status: 'running', createdAt: '2027-02-01T10:00:00Z', leaseUntil: '2027-02-01T11:45:00Z' }, now)).toMatch(/stopped before it finished/);
    expect(stalledExportReason({ status: 'succeeded', createdAt: '2027-01-01T00:00:00Z' }, now)).toBeUndefined();
  });
});
