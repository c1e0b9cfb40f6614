import { ConflictError, InputError } from '../../shared/domain/errors';
import { describe, expect, it } from 'vitest';
import {
  computeInvoice,
  type InvoiceFigures,
  type InvoiceInput,
  type InvoiceSovLine,
  type LineEntry,
  type LineRetainageOverride,
  type RetainageSettings,
} from '../../shared/domain/invoice-figures';
import { percentOfCents, unitValueCents } from '../../shared/domain/money';

const workOnly10: RetainageSettings = { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false };

/** An invoice input whose contract sum is the lines' sum (no change orders unless given). */
function invoice(
  sovLines: InvoiceSovLine[],
  entries: LineEntry[],
  options: {
    retainage?: RetainageSettings;
    lineRetainage?: Record<string, LineRetainageOverride>;
    previous?: InvoiceFigures;
    overbillingAllowed?: boolean;
    changeOrdersCents?: number;
  } = {},
): InvoiceInput {
  const total = sovLines.reduce((sum, l) => sum + l.scheduledValueCents, 0);
  const changeOrders = options.changeOrdersCents ?? 0;
  return {
    sovLines,
    contract: {
      originalContractSumCents: total - changeOrders,
      approvedChangeOrdersCents: changeOrders,
      retainage: options.retainage ?? workOnly10,
      ...(options.lineRetainage ? { lineRetainage: options.lineRetainage } : {}),
    },
    previous: options.previous ? { lines: options.previous.lines, summary: options.previous.summary } : undefined,
    entries,
    overbillingAllowed: options.overbillingAllowed ?? false,
  };
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const fields = (error: InputError) => error.issues.map((i) => i.field);

describe('the issue’s case: $100,000 line, 10% retainage, $50,000 previously completed', () => {
  const sov: InvoiceSovLine[] = [{ lineId: 'L1', description: 'Concrete', scheduledValueCents: 10_000_000 }];

  it('first invoice bills $50,000 less 10%', () => {
    const first = computeInvoice(invoice(sov, [{ lineId: 'L1', workThisPeriodCents: 5_000_000 }]));
    // D 0, E 50,000.00, G 50,000.00 (50%), H 50,000.00, I = 10% × 50,000.00 = 5,000.00
    expect(first.lines[0]).toMatchObject({
      previousWorkCents: 0,
      workThisPeriodCents: 5_000_000,
      materialsStoredCents: 0,
      completedAndStoredCents: 5_000_000,
      percentComplete: '50',
      percentCompleteDisplay: '50.00',
      balanceToFinishCents: 5_000_000,
      retainageCents: 500_000,
    });
    // 6 = 50,000 − 5,000 = 45,000; 8 = 45,000; 9 = 100,000 − 45,000 = 55,000
    expect(first.summary).toEqual({
      originalContractSumCents: 10_000_000,
      netChangeByChangeOrdersCents: 0,
      contractSumToDateCents: 10_000_000,
      totalCompletedAndStoredCents: 5_000_000,
      workRetainageCents: 500_000,
      materialsRetainageCents: 0,
      totalRetainageCents: 500_000,
      totalEarnedLessRetainageCents: 4_500_000,
      previousCertificatesCents: 0,
      currentPaymentDueCents: 4_500_000,
      balanceToFinishIncludingRetainageCents: 5_500_000,
    });
  });

  it('nothing this period → line 8 = 0.00, not −5,000.00', () => {
    const first = computeInvoice(invoice(sov, [{ lineId: 'L1', workThisPeriodCents: 5_000_000 }]));
    const second = computeInvoice(invoice(sov, [], { previous: first }));
    // D = 50,000, E = 0; retainage stays round(10% × 50,000) = 5,000 (nothing retained this period)
    expect(second.lines[0]).toMatchObject({ previousWorkCents: 5_000_000, workThisPeriodCents: 0, retainageCents: 500_000 });
    expect(second.lines[0]!.workRetainage.retainedThisPeriodCents).toBe(0);
    expect(second.summary.totalEarnedLessRetainageCents).toBe(4_500_000);
    expect(second.summary.previousCertificatesCents).toBe(4_500_000);
    expect(second.summary.currentPaymentDueCents).toBe(0);
  });
});

describe('half-cent rounding', () => {
  it('10% of 1,991.25 → retainage 199.13 (199.125 half away from zero), due 1,792.12', () => {
    const sov: InvoiceSovLine[] = [{ lineId: 'L1', scheduledValueCents: 500_000 }];
    const figures = computeInvoice(invoice(sov, [{ lineId: 'L1', workThisPeriodCents: 199_125 }]));
    expect(figures.lines[0]!.workRetainage).toEqual({
      percent: '10',
      source: 'percent',
      baseCents: 199_125,
      retainageCents: 19_913,
      retainedThisPeriodCents: 19_913,
      releasedThisPeriodCents: 0,
      releasedToDateCents: 0,
      currentlyRetainedCents: 19_913,
    });
    expect(figures.summary.totalRetainageCents).toBe(19_913);
    expect(figures.summary.totalEarnedLessRetainageCents).toBe(179_212);
    expect(figures.summary.currentPaymentDueCents).toBe(179_212);
    expect(figures.summary.balanceToFinishIncludingRetainageCents).toBe(320_788); // 5,000.00 − 1,792.12
  });

  it('each line rounds its own retainage; 5a is the sum of rounded lines, not 10% of the total', () => {
    // Three lines of 0.05 each: 10% of 5 cents = 0.5 → 1 cent per line, 3 cents; 10% of 15 cents would be 2.
    const sov: InvoiceSovLine[] = ['A', 'B', 'C'].map((id) => ({ lineId: id, scheduledValueCents: 100 }));
    const figures = computeInvoice(invoice(sov, sov.map((l) => ({ lineId: l.lineId, workThisPeriodCents: 5 }))));
    expect(figures.lines.map((l) => l.retainageCents)).toEqual([1, 1, 1]);
    expect(figures.summary.workRetainageCents).toBe(3);
    expect(figures.summary.totalEarnedLessRetainageCents).toBe(12); // 15 − 3
  });
});

describe('amount lines over three invoices: % complete, stored materials, two retainage buckets, release', () => {
  // Work retainage 10%, stored-materials retainage 5%.
  const retainage: RetainageSettings = { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true };
  const sov: InvoiceSovLine[] = [
    { lineId: 'A', description: 'Framing', scheduledValueCents: 1_000_000 }, // 10,000.00
    { lineId: 'B', description: 'Electrical', scheduledValueCents: 2_500_000 }, // 25,000.00
    { lineId: 'C', description: 'Paint', scheduledValueCents: 500_050 }, // 5,000.50
  ];
  const first = () =>
    computeInvoice(
      invoice(
        sov,
        [
          { lineId: 'A', percentComplete: '33.3333' },
          { lineId: 'B', workThisPeriodCents: 1_000_000, materialsStoredCents: 500_000 },
        ],
        { retainage },
      ),
    );
  const second = (release: boolean) =>
    computeInvoice(
      invoice(
        sov,
        [
          { lineId: 'A', percentComplete: '50', ...(release ? { workRetainageReleasedCents: 20_000 } : {}) },
          // The stored materials got installed: they become work this period, F goes back to 0.
          { lineId: 'B', workThisPeriodCents: 500_000, materialsStoredCents: 0 },
        ],
        { retainage, previous: first() },
      ),
    );

  it('invoice 1', () => {
    const figures = first();
    // A: E = round(10,000.00 × 33.3333%) = 3,333.33; retainage round(10% × 3,333.33 = 333.333) = 333.33
    expect(figures.lines[0]).toMatchObject({
      previousWorkCents: 0,
      workThisPeriodCents: 333_333,
      completedAndStoredCents: 333_333,
      percentComplete: '33.3333',
      percentCompleteDisplay: '33.33',
      balanceToFinishCents: 666_667,
      retainageCents: 33_333,
    });
    // B: E 10,000.00, F 5,000.00, G 15,000.00 (60%); work 10% × 10,000 = 1,000.00, materials 5% × 5,000 = 250.00
    expect(figures.lines[1]).toMatchObject({
      workThisPeriodCents: 1_000_000,
      materialsStoredCents: 500_000,
      completedAndStoredCents: 1_500_000,
      percentComplete: '60',
      balanceToFinishCents: 1_000_000,
      retainageCents: 125_000,
    });
    expect(figures.lines[1]!.workRetainage).toMatchObject({ percent: '10', baseCents: 1_000_000, currentlyRetainedCents: 100_000 });
    expect(figures.lines[1]!.materialsRetainage).toMatchObject({ percent: '5', baseCents: 500_000, currentlyRetainedCents: 25_000 });
    // C: nothing.
    expect(figures.lines[2]).toMatchObject({ completedAndStoredCents: 0, percentComplete: '0', balanceToFinishCents: 500_050, retainageCents: 0 });
    // 4 = 3,333.33 + 15,000 = 18,333.33; 5a = 333.33 + 1,000 = 1,333.33; 5b = 250; 6 = 16,750.00; 9 = 40,000.50 − 16,750 = 23,250.50
    expect(figures.summary).toEqual({
      originalContractSumCents: 4_000_050,
      netChangeByChangeOrdersCents: 0,
      contractSumToDateCents: 4_000_050,
      totalCompletedAndStoredCents: 1_833_333,
      workRetainageCents: 133_333,
      materialsRetainageCents: 25_000,
      totalRetainageCents: 158_333,
      totalEarnedLessRetainageCents: 1_675_000,
      previousCertificatesCents: 0,
      currentPaymentDueCents: 1_675_000,
      balanceToFinishIncludingRetainageCents: 2_325_050,
    });
    expect(figures.totals).toEqual({
      scheduledValueCents: 4_000_050,
      previousWorkCents: 0,
      workThisPeriodCents: 1_333_333,
      materialsStoredCents: 500_000,
      completedAndStoredCents: 1_833_333,
      percentComplete: '45.8328', // 18,333.33 ÷ 40,000.50 = 45.83275…%
      percentCompleteDisplay: '45.83',
      balanceToFinishCents: 2_166_717,
      retainageCents: 158_333,
      retainedThisPeriodCents: 158_333,
      releasedThisPeriodCents: 0,
    });
  });

  it('invoice 2: D = previous D + previous E (never previous F); materials retainage moves to work; a release raises line 8', () => {
    const withoutRelease = second(false);
    const figures = second(true);
    // A: D 3,333.33; E = round(10,000 × 50%) − 3,333.33 = 1,666.67; retainage round(10% × 5,000) = 500.00, less 200.00 released = 300.00
    expect(figures.lines[0]).toMatchObject({ previousWorkCents: 333_333, workThisPeriodCents: 166_667, completedAndStoredCents: 500_000, retainageCents: 30_000 });
    expect(figures.lines[0]!.workRetainage).toEqual({
      percent: '10',
      source: 'percent',
      baseCents: 500_000,
      retainageCents: 50_000,
      retainedThisPeriodCents: 16_667, // 500.00 − 333.33
      releasedThisPeriodCents: 20_000,
      releasedToDateCents: 20_000,
      currentlyRetainedCents: 30_000, // 333.33 + 166.67 − 200.00
    });
    // B: D 10,000 (not 15,000: previous F is not work), E 5,000, F 0 → G 15,000; work 1,500.00 (+500), materials 0 (−250)
    expect(figures.lines[1]).toMatchObject({ previousWorkCents: 1_000_000, workThisPeriodCents: 500_000, materialsStoredCents: 0, completedAndStoredCents: 1_500_000 });
    expect(figures.lines[1]!.workRetainage).toMatchObject({ retainedThisPeriodCents: 50_000, currentlyRetainedCents: 150_000 });
    expect(figures.lines[1]!.materialsRetainage).toMatchObject({ retainedThisPeriodCents: -25_000, currentlyRetainedCents: 0 });
    // 4 = 5,000 + 15,000 = 20,000; 5a = 300 + 1,500 = 1,800; 5b = 0; 6 = 18,200; 7 = 16,750 (invoice 1's line 6); 8 = 1,450.00
    // Check by flows: E 6,666.67 − F drop 5,000 − retainage change (1,800 − 1,583.33 = 216.67) = 1,450.00
    expect(figures.summary).toMatchObject({
      totalCompletedAndStoredCents: 2_000_000,
      workRetainageCents: 180_000,
      materialsRetainageCents: 0,
      totalRetainageCents: 180_000,
      totalEarnedLessRetainageCents: 1_820_000,
      previousCertificatesCents: 1_675_000,
      currentPaymentDueCents: 145_000,
      balanceToFinishIncludingRetainageCents: 2_180_050,
    });
    expect(figures.totals.releasedThisPeriodCents).toBe(20_000);
    // Without the release line 8 is 1,250.00: releasing 200.00 raises it by exactly 200.00.
    expect(withoutRelease.summary.currentPaymentDueCents).toBe(125_000);
  });

  it('invoice 3: line 7 is line 6 of invoice 2, not the sum of earlier line 6 values', () => {
    const figures = computeInvoice(invoice(sov, [{ lineId: 'B', workThisPeriodCents: 1_000_000 }], { retainage, previous: second(true) }));
    // A: D 5,000 (3,333.33 + 1,666.67), nothing this period; retainage 500.00 less 200.00 released stays 300.00
    expect(figures.lines[0]).toMatchObject({ previousWorkCents: 500_000, workThisPeriodCents: 0, retainageCents: 30_000 });
    expect(figures.lines[0]!.workRetainage).toMatchObject({ retainedThisPeriodCents: 0, releasedThisPeriodCents: 0, releasedToDateCents: 20_000 });
    // B: D 15,000, E 10,000 → G 25,000 (100%), H 0, work retainage 2,500.00
    expect(figures.lines[1]).toMatchObject({ previousWorkCents: 1_500_000, completedAndStoredCents: 2_500_000, percentComplete: '100', balanceToFinishCents: 0, retainageCents: 250_000 });
    // 4 = 30,000; 5 = 300 + 2,500 = 2,800; 6 = 27,200; 7 = 18,200 (not 16,750 + 18,200 = 34,950); 8 = 9,000 = 10,000 − 10%
    expect(figures.summary).toMatchObject({
      totalCompletedAndStoredCents: 3_000_000,
      totalRetainageCents: 280_000,
      totalEarnedLessRetainageCents: 2_720_000,
      previousCertificatesCents: 1_820_000,
      currentPaymentDueCents: 900_000,
      balanceToFinishIncludingRetainageCents: 1_280_050,
    });
  });
});

describe('unit lines', () => {
  // 3 units at 1,234.5675: C = 3,703.7025 → 3,703.70, billed a unit (a third) per invoice.
  const sov: InvoiceSovLine[] = [{ lineId: 'U', quantity: '3', unitOfMeasure: 'ea', unitPrice: '1234.5675', scheduledValueCents: 370_370 }];
  const thirds = () => {
    const one = computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '1' }]));
    const two = computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '1' }], { previous: one }));
    const three = computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '1' }], { previous: two }));
    return [one, two, three] as const;
  };

  it('three invoices of a third each never drift from quantity × price at 100%', () => {
    const [one, two, three] = thirds();
    // value(1) = 1,234.5675 → 1,234.57; value(2) = 2,469.135 → 2,469.14; value(3) = 3,703.7025 → 3,703.70
    // E: 1,234.57, 2,469.14 − 1,234.57 = 1,234.57, 3,703.70 − 2,469.14 = 1,234.56 → Σ = 3,703.70
    // (rounding each period's 1 × 1,234.5675 alone would give 1,234.57 × 3 = 3,703.71, a cent over C)
    expect([one, two, three].map((f) => f.lines[0]!.workThisPeriodCents)).toEqual([123_457, 123_457, 123_456]);
    expect([one, two, three].map((f) => f.lines[0]!.previousWorkCents)).toEqual([0, 123_457, 246_914]);
    expect(three.lines[0]).toMatchObject({
      kind: 'unit',
      quantity: '3',
      unitPrice: '1234.5675',
      previousQuantity: '2',
      quantityThisPeriod: '1',
      quantityToDate: '3',
      completedAndStoredCents: 370_370,
      percentComplete: '100',
      percentCompleteDisplay: '100.00',
      balanceToFinishCents: 0,
    });
    expect(three.lines[0]!.completedAndStoredCents).toBe(unitValueCents('3', '1234.5675'));
    expect(one.lines[0]).toMatchObject({ percentComplete: '33.3334', percentCompleteDisplay: '33.33' }); // 1,234.57 ÷ 3,703.70 = 33.33342%
  });

  it('retainage on the unit line is rounded to date, not summed from rounded periods', () => {
    const [one, two, three] = thirds();
    // 10% of 1,234.57 = 123.457 → 123.46; of 2,469.14 → 246.914 → 246.91; of 3,703.70 → 370.37
    // (per-period rounding would give 123.46 + 123.46 + 123.46 = 370.38)
    expect([one, two, three].map((f) => f.lines[0]!.retainageCents)).toEqual([12_346, 24_691, 37_037]);
    expect([one, two, three].map((f) => f.lines[0]!.workRetainage.retainedThisPeriodCents)).toEqual([12_346, 12_345, 12_346]);
    // Line 6: 1,234.57 − 123.46 = 1,111.11; 2,469.14 − 246.91 = 2,222.23; 3,703.70 − 370.37 = 3,333.33
    // Line 8: 1,111.11, 1,111.12, 1,111.10; line 9 at the end = the 370.37 held
    expect([one, two, three].map((f) => f.summary.totalEarnedLessRetainageCents)).toEqual([111_111, 222_223, 333_333]);
    expect([one, two, three].map((f) => f.summary.previousCertificatesCents)).toEqual([0, 111_111, 222_223]);
    expect([one, two, three].map((f) => f.summary.currentPaymentDueCents)).toEqual([111_111, 111_112, 111_110]);
    expect(three.summary.balanceToFinishIncludingRetainageCents).toBe(37_037);
  });

  it('a unit line has no stored materials or materials retainage', () => {
    const error = inputError(() =>
      computeInvoice(
        invoice(sov, [{ lineId: 'U', quantityThisPeriod: '0.5', materialsStoredCents: 100, materialsRetainagePercent: '5', workThisPeriodCents: 10 }], {
          retainage: { ...workOnly10, materialsEnabled: true, materialsPercent: '5' },
        }),
      ),
    );
    expect(fields(error)).toEqual(['lines.0.workThisPeriodCents', 'lines.0.materialsStoredCents', 'lines.0.materialsRetainagePercent']);
    expect(error.issues[1]!.message).toMatch(/unit lines have no stored materials/);
  });

  it('more quantity than the line holds is overbilling; a negative quantity to date is refused', () => {
    const [, two] = thirds();
    const over = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '1.0001' }], { previous: two })));
    expect(over.issues).toEqual([{ field: 'lines.0.quantityThisPeriod', message: expect.stringMatching(/overbilling.*3\.0001/) }]);
    const allowed = computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '1.0001' }], { previous: two, overbillingAllowed: true }));
    // 3.0001 × 1,234.5675 = 3,703.82595675 → 3,703.83
    expect(allowed.lines[0]).toMatchObject({ completedAndStoredCents: 370_383, balanceToFinishCents: -13 });
    const negative = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '-2.5' }], { previous: two })));
    expect(fields(negative)).toEqual(['lines.0.quantityThisPeriod']);
    // A correction downwards within what was billed is fine: 1.5 × 1,234.5675 = 1,851.85125 → 1,851.85; E = 1,851.85 − 2,469.14
    const corrected = computeInvoice(invoice(sov, [{ lineId: 'U', quantityThisPeriod: '-0.5' }], { previous: two }));
    expect(corrected.lines[0]).toMatchObject({ quantityToDate: '1.5', completedAndStoredCents: 185_185, workThisPeriodCents: -61_729 });
  });
});

describe('retainage entries and settings', () => {
  const sov: InvoiceSovLine[] = [
    { lineId: 'A', scheduledValueCents: 1_000_000 },
    { lineId: 'B', scheduledValueCents: 1_000_000 },
  ];
  const both: RetainageSettings = { workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true };

  it('by amount: the % shown is amount ÷ base; by %: amount = round(% × base)', () => {
    const figures = computeInvoice(
      invoice(
        sov,
        [
          { lineId: 'A', workThisPeriodCents: 30_000, workRetainageCents: 10_000, materialsStoredCents: 7_000, materialsRetainagePercent: '7.5' },
          { lineId: 'B', workThisPeriodCents: 1_000_000, workRetainageCents: 75_000 },
        ],
        { retainage: both },
      ),
    );
    // A: 100.00 of 300.00 = 33.3333…% (4 places); materials 7.5% × 70.00 = 5.25
    expect(figures.lines[0]!.workRetainage).toMatchObject({ source: 'amount', percent: '33.3333', retainageCents: 10_000 });
    expect(figures.lines[0]!.materialsRetainage).toMatchObject({ source: 'percent', percent: '7.5', retainageCents: 525 });
    // B: 750.00 of 10,000.00 = 7.5%
    expect(figures.lines[1]!.workRetainage).toMatchObject({ source: 'amount', percent: '7.5', retainageCents: 75_000 });
    expect(figures.summary).toMatchObject({ workRetainageCents: 85_000, materialsRetainageCents: 525, totalRetainageCents: 85_525 });
  });

  it('a per-line override replaces the commitment’s %; a disabled bucket holds nothing', () => {
    const entries: LineEntry[] = [
      { lineId: 'A', workThisPeriodCents: 100_000, materialsStoredCents: 20_000 },
      { lineId: 'B', workThisPeriodCents: 100_000, materialsStoredCents: 20_000 },
    ];
    const overridden = computeInvoice(invoice(sov, entries, { retainage: both, lineRetainage: { B: { workPercent: '2.5', materialsPercent: '0' } } }));
    // A: 10% × 1,000 = 100.00 + 5% × 200 = 10.00; B: 2.5% × 1,000 = 25.00 + 0
    expect(overridden.lines.map((l) => [l.workRetainage.retainageCents, l.materialsRetainage.retainageCents])).toEqual([
      [10_000, 1_000],
      [2_500, 0],
    ]);
    const workOff = computeInvoice(invoice(sov, entries, { retainage: { ...both, workEnabled: false } }));
    expect(workOff.lines.map((l) => l.retainageCents)).toEqual([1_000, 1_000]);
    expect(workOff.lines[0]!.workRetainage).toMatchObject({ source: 'disabled', percent: '0', currentlyRetainedCents: 0 });
    expect(workOff.summary).toMatchObject({ workRetainageCents: 0, materialsRetainageCents: 2_000, totalEarnedLessRetainageCents: 238_000 });
    const entered = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workRetainagePercent: '5' }], { retainage: { ...both, workEnabled: false } })));
    expect(error(entered)).toEqual([['lines.0.workRetainagePercent', 'not allowed: completed work retainage is off for this commitment']]);
  });

  it('releasing more than is held is refused; releasing all of it is fine', () => {
    const first = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 199_125 }]));
    const tooMuch = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workRetainageReleasedCents: 19_914 }], { previous: first })));
    expect(error(tooMuch)).toEqual([['lines.0.workRetainageReleasedCents', 'must not exceed the work retainage currently retained (199.13)']]);
    const all = computeInvoice(invoice(sov, [{ lineId: 'A', workRetainageReleasedCents: 19_913 }], { previous: first }));
    // 6 = 1,991.25 − 0; 7 = 1,792.12; 8 = 199.13, the release
    expect(all.lines[0]!.retainageCents).toBe(0);
    expect(all.summary).toMatchObject({ totalRetainageCents: 0, totalEarnedLessRetainageCents: 199_125, currentPaymentDueCents: 19_913 });
    // Later work is retained again; what was released stays released: 10% × (1,991.25 + 1,000) = 299.13 − 199.13 = 100.00 held
    const later = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 100_000 }], { previous: all }));
    expect(later.lines[0]!.workRetainage).toMatchObject({ retainageCents: 29_913, retainedThisPeriodCents: 10_000, releasedToDateCents: 19_913, currentlyRetainedCents: 10_000 });
    // Lowering the % below what was already released holds nothing, never a negative amount:
    // 5% × 1,991.25 = 99.5625 → 99.56, all of it already released; line 8 = 0.
    const lowered = computeInvoice(invoice(sov, [{ lineId: 'A', workRetainagePercent: '5' }], { previous: all }));
    expect(lowered.lines[0]!.workRetainage).toMatchObject({ retainageCents: 9_956, releasedToDateCents: 9_956, retainedThisPeriodCents: 0, currentlyRetainedCents: 0 });
    expect(lowered.summary.currentPaymentDueCents).toBe(0);
  });

  it('stored materials whose retainage was released can still be installed; retainage follows them to work', () => {
    const entries = (e: Partial<LineEntry>): LineEntry[] => [{ lineId: 'A', ...e }];
    // Invoice 1: F 1,000.00, materials 5% = 50.00; 6 = 950.00
    const one = computeInvoice(invoice(sov, entries({ materialsStoredCents: 100_000 }), { retainage: both }));
    // Invoice 2: release the 50.00 → held 0; 6 = 1,000.00, 8 = 50.00
    const two = computeInvoice(invoice(sov, entries({ materialsStoredCents: 100_000, materialsRetainageReleasedCents: 5_000 }), { retainage: both, previous: one }));
    expect(two.summary).toMatchObject({ materialsRetainageCents: 0, totalEarnedLessRetainageCents: 100_000, currentPaymentDueCents: 5_000 });
    // Invoice 3: installed → E 1,000.00, F 0; work 10% = 100.00 held; materials nothing (released 50.00 went with the base)
    const three = computeInvoice(invoice(sov, entries({ workThisPeriodCents: 100_000 }), { retainage: both, previous: two }));
    expect(three.lines[0]!.materialsRetainage).toMatchObject({ retainageCents: 0, retainedThisPeriodCents: 0, releasedToDateCents: 0, currentlyRetainedCents: 0 });
    // 6 = 1,000 − 100 = 900.00; 7 = 1,000.00; 8 = −100.00 (the work retainage on what was paid as released materials)
    expect(three.summary).toMatchObject({ workRetainageCents: 10_000, materialsRetainageCents: 0, totalEarnedLessRetainageCents: 90_000, currentPaymentDueCents: -10_000 });
  });

  it('turning a bucket off lets go of what it held', () => {
    const one = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 100_000 }]));
    const off = computeInvoice(invoice(sov, [], { previous: one, retainage: { ...workOnly10, workEnabled: false } }));
    // 10% of 1,000 = 100.00 held, then nothing: retained this period −100.00, line 8 = 100.00
    expect(off.lines[0]!.workRetainage).toMatchObject({ source: 'disabled', retainedThisPeriodCents: -10_000, currentlyRetainedCents: 0 });
    expect(off.summary.currentPaymentDueCents).toBe(10_000);
  });

  it('a retainage amount above its base is refused', () => {
    const over = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 1_000, workRetainageCents: 1_001 }])));
    expect(error(over)).toEqual([['lines.0.workRetainageCents', 'must not exceed the work completed to date (10.00)']]);
  });
});

function error(e: InputError): Array<[string, string]> {
  return e.issues.map((i) => [i.field, i.message]);
}

describe('refusals', () => {
  const sov: InvoiceSovLine[] = [
    { lineId: 'A', description: 'Framing', scheduledValueCents: 1_000_000 },
    { lineId: 'B', description: 'Roofing', scheduledValueCents: 500_000 },
  ];

  it('overbilling is refused with a field error, and allowed with the flag', () => {
    const refused = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 1_000_001 }])));
    expect(error(refused)).toEqual([
      [
        'lines.0.workThisPeriodCents',
        'overbilling: total completed and stored to date (10000.01) would exceed the scheduled value (10000.00); this project does not allow overbilling',
      ],
    ]);
    // Stored materials count toward G.
    const stored = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'B', materialsStoredCents: 500_001 }])));
    expect(fields(stored)).toEqual(['lines.0.materialsStoredCents']);

    const allowed = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 1_000_001 }], { overbillingAllowed: true }));
    expect(allowed.lines[0]).toMatchObject({ completedAndStoredCents: 1_000_001, balanceToFinishCents: -1, percentComplete: '100.0001', percentCompleteDisplay: '100.00' });
    expect(allowed.summary.balanceToFinishIncludingRetainageCents).toBe(1_500_000 - (1_000_001 - 100_000)); // retainage 10% × 10,000.01 = 1,000.00
  });

  it('negative work this period may correct earlier billing, never below zero to date', () => {
    const first = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 200_000 }]));
    const corrected = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: -50_000 }], { previous: first }));
    // G 1,500.00, retainage 150.00 (−50.00 this period); 6 = 1,350.00; 7 = 1,800.00; 8 = −450.00 (a credit)
    expect(corrected.summary).toMatchObject({ totalCompletedAndStoredCents: 150_000, totalRetainageCents: 15_000, currentPaymentDueCents: -45_000 });
    const below = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: -200_001 }], { previous: first })));
    expect(fields(below)).toEqual(['lines.0.workThisPeriodCents']);
    const belowAllowed = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: -200_001 }], { previous: first, overbillingAllowed: true })));
    expect(fields(belowAllowed)).toEqual(['lines.0.workThisPeriodCents']);
  });

  it('malformed or misplaced entries name every field, across lines', () => {
    const e = inputError(() =>
      computeInvoice(
        invoice(sov, [
          { lineId: 'A', workThisPeriodCents: 10, percentComplete: '5', quantityThisPeriod: '1' },
          { lineId: 'B', materialsStoredCents: -1, workRetainagePercent: '100.5', workRetainageReleasedCents: 1.5 },
          { lineId: 'Z' },
          { lineId: 'A' },
        ]),
      ),
    );
    expect(fields(e)).toEqual([
      'lines.0.quantityThisPeriod',
      'lines.0.percentComplete',
      'lines.1.materialsStoredCents',
      'lines.1.workRetainageReleasedCents',
      'lines.1.workRetainagePercent',
      'lines.2.lineId',
      'lines.3.lineId',
    ]);
    expect(e.issues.find((i) => i.field === 'lines.1.workRetainagePercent')!.message).toBe('must be at most 100');
  });

  it('every line that overbills is named, including one without an entry (its value cut by a change order)', () => {
    const first = computeInvoice(invoice(sov, [{ lineId: 'B', workThisPeriodCents: 500_000 }]));
    const cut: InvoiceSovLine[] = [sov[0]!, { ...sov[1]!, scheduledValueCents: 400_000 }];
    const e = inputError(() => computeInvoice(invoice(cut, [{ lineId: 'A', workThisPeriodCents: 1_000_001 }], { previous: first, changeOrdersCents: -100_000 })));
    expect(fields(e)).toEqual(['lines.0.workThisPeriodCents', 'lines']);
    expect(e.issues[1]!.message).toMatch(/^line B \(Roofing\): overbilling/);
  });

  it('stored data that does not fit together is a conflict', () => {
    const wrongSum = invoice(sov, []);
    wrongSum.contract.originalContractSumCents += 1;
    expect(() => computeInvoice(wrongSum)).toThrow(ConflictError);
    const first = computeInvoice(invoice(sov, [{ lineId: 'B', workThisPeriodCents: 1 }]));
    expect(() => computeInvoice(invoice([sov[0]!], [], { previous: first }))).toThrow(/previous invoice bills line B/);
  });
});

describe('entering work: this period, to date or % to date', () => {
  const sov: InvoiceSovLine[] = [{ lineId: 'A', description: 'Framing', scheduledValueCents: 1_000_000 }];
  const first = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 250_025 }]));

  it('work completed to date bills that less the previous work, to the cent', () => {
    const second = computeInvoice(invoice(sov, [{ lineId: 'A', workCompletedToDateCents: 600_050 }], { previous: first }));
    // D 2,500.25; to date 6,000.50 → E 3,500.25; the same as entering E or the % that gives it.
    expect(second.lines[0]).toMatchObject({ previousWorkCents: 250_025, workThisPeriodCents: 350_025, completedAndStoredCents: 600_050 });
    const byPeriod = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 350_025 }], { previous: first }));
    expect(second).toEqual(byPeriod);
    const byPercent = computeInvoice(invoice(sov, [{ lineId: 'A', percentComplete: '60.005' }], { previous: first }));
    expect(byPercent.lines[0]!.workThisPeriodCents).toBe(350_025);
  });

  it('to date below the previous work is a negative correction; below zero or with another way is refused', () => {
    const credit = computeInvoice(invoice(sov, [{ lineId: 'A', workCompletedToDateCents: 200_000 }], { previous: first }));
    expect(credit.lines[0]!.workThisPeriodCents).toBe(-50_025);
    const e = inputError(() =>
      computeInvoice(invoice(sov, [{ lineId: 'A', workCompletedToDateCents: -1, workThisPeriodCents: 5 }], { previous: first })),
    );
    expect(e.issues).toEqual([
      { field: 'lines.0.workCompletedToDateCents', message: 'give one of workThisPeriodCents, workCompletedToDateCents, percentComplete, not workThisPeriodCents and workCompletedToDateCents' },
      { field: 'lines.0.workCompletedToDateCents', message: 'must not be negative' },
    ]);
    const cents = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', workCompletedToDateCents: 500.25 }])));
    expect(cents.issues).toEqual([{ field: 'lines.0.workCompletedToDateCents', message: 'must be a whole number of cents (e.g. 50025 for $500.25)' }]);
  });
});

describe('release all: an intent, recomputed when the figures change', () => {
  const sov: InvoiceSovLine[] = [{ lineId: 'A', description: 'Framing', scheduledValueCents: 1_000_000 }];
  const first = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 500_000 }]));

  it('releases what is held after this period’s work, whatever the work becomes', () => {
    const released = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 100_000, releaseAllRetainage: true }], { previous: first }));
    // Held before the release: 10% × 6,000.00 = 600.00, all released.
    expect(released.lines[0]!.workRetainage).toMatchObject({ retainageCents: 60_000, releasedThisPeriodCents: 60_000, currentlyRetainedCents: 0 });
    // Work lowered afterwards (a credit): the release follows, never above what is held.
    const lowered = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: -100_000, releaseAllRetainage: true }], { previous: first }));
    expect(lowered.lines[0]!.workRetainage).toMatchObject({ retainageCents: 40_000, releasedThisPeriodCents: 40_000, currentlyRetainedCents: 0 });
    expect(lowered.summary.totalRetainageCents).toBe(0);
  });

  it('is refused beside an amount released', () => {
    const e = inputError(() => computeInvoice(invoice(sov, [{ lineId: 'A', releaseAllRetainage: true, workRetainageReleasedCents: 1 }], { previous: first })));
    expect(fields(e)).toEqual(['lines.0.workRetainageReleasedCents']);
  });
});

describe('change orders', () => {
  it('line 2 and a line added by a change order (no previous figures) take part like any other', () => {
    const sov: InvoiceSovLine[] = [{ lineId: 'A', scheduledValueCents: 1_000_000 }];
    const first = computeInvoice(invoice(sov, [{ lineId: 'A', workThisPeriodCents: 400_000 }]));
    const withCo: InvoiceSovLine[] = [...sov, { lineId: 'CO1', scheduledValueCents: 250_000 }];
    const second = computeInvoice(invoice(withCo, [{ lineId: 'CO1', workThisPeriodCents: 100_000 }], { previous: first, changeOrdersCents: 250_000 }));
    // 3 = 10,000 + 2,500; 4 = 4,000 + 1,000; 5 = 500; 6 = 4,500; 7 = 3,600; 8 = 900; 9 = 12,500 − 4,500 = 8,000
    expect(second.lines[1]).toMatchObject({ previousWorkCents: 0, workThisPeriodCents: 100_000 });
    expect(second.summary).toMatchObject({
      originalContractSumCents: 1_000_000,
      netChangeByChangeOrdersCents: 250_000,
      contractSumToDateCents: 1_250_000,
      totalCompletedAndStoredCents: 500_000,
      totalRetainageCents: 50_000,
      totalEarnedLessRetainageCents: 450_000,
      previousCertificatesCents: 360_000,
      currentPaymentDueCents: 90_000,
      balanceToFinishIncludingRetainageCents: 800_000,
    });
  });
});

// ---- Property-style check ----

/** mulberry32: a small seeded generator, so a failure reproduces. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const percent = () => pick(['0', '5', '7.5', '10', '12.3456', '33.3333', '100']);
  return { next, int, pick, percent };
}

describe('property: the document always adds up', () => {
  it('for generated invoice series, the summary is the sum of its lines and 3 = 1 + 2, 6 = 4 − 5, 8 = 6 − 7, 9 = 3 − 6', () => {
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const g = generator(seed);
      const unit = g.next() < 0.4;
      const sov: InvoiceSovLine[] = Array.from({ length: g.int(1, 8) }, (_, i) => {
        if (!unit) return { lineId: `L${i}`, scheduledValueCents: g.int(0, 50_000_000) };
        const quantity = `${g.int(0, 5000)}.${g.int(0, 9999)}`;
        const unitPrice = `${g.int(0, 2000)}.${g.int(0, 9999)}`;
        return { lineId: `L${i}`, quantity, unitPrice, scheduledValueCents: unitValueCents(quantity, unitPrice) };
      });
      const retainage: RetainageSettings = { workPercent: g.percent(), workEnabled: g.next() < 0.8, materialsPercent: g.percent(), materialsEnabled: g.next() < 0.5 };
      const lineRetainage = Object.fromEntries(sov.filter(() => g.next() < 0.2).map((l) => [l.lineId, { workPercent: g.percent() }]));
      const changeOrders = g.int(-100_000, 100_000);

      const compute = (entries: LineEntry[], previous: InvoiceFigures | undefined) =>
        computeInvoice(invoice(sov, entries, { retainage, lineRetainage, previous, changeOrdersCents: changeOrders }));
      let previous: InvoiceFigures | undefined;
      let paid = 0;
      for (let n = 0; n < 4; n++) {
        const entries: LineEntry[] = sov.map((line, i) => {
          const before = previous?.lines[i];
          const entry: LineEntry = { lineId: line.lineId };
          const C = line.scheduledValueCents;
          if (unit) {
            // Any quantity this period keeping the quantity to date within [0, the line's quantity].
            const quantityBefore = Math.round(Number(before?.quantityToDate ?? '0') * 10_000);
            const quantity = Math.round(Number(line.quantity) * 10_000);
            entry.quantityThisPeriod = (g.int(-Math.min(quantityBefore, 500), quantity - quantityBefore) / 10_000).toFixed(4);
          } else {
            const toDate = before ? before.previousWorkCents + before.workThisPeriodCents : 0;
            const r = g.next();
            let workToDate = toDate;
            if (r < 0.3) {
              entry.percentComplete = (g.int(0, 10_000) / 100).toFixed(2);
              workToDate = percentOfCents(C, entry.percentComplete);
            } else if (r < 0.9) {
              entry.workThisPeriodCents = g.int(-Math.min(toDate, 1000), C - toDate);
              workToDate += entry.workThisPeriodCents;
            }
            if (g.next() < 0.6) entry.materialsStoredCents = g.int(0, C - workToDate);
          }
          if (retainage.workEnabled && g.next() < 0.2) entry.workRetainagePercent = g.percent();
          return entry;
        });
        let figures = compute(entries, previous);
        // Release part of what is held on some lines, then recompute.
        if (g.next() < 0.5) {
          figures.lines.forEach((line, i) => {
            if (g.next() < 0.5) entries[i]!.workRetainageReleasedCents = g.int(0, line.workRetainage.currentlyRetainedCents);
            if (!unit && g.next() < 0.3) entries[i]!.materialsRetainageReleasedCents = g.int(0, line.materialsRetainage.currentlyRetainedCents);
          });
          figures = compute(entries, previous);
        }

        checkAddsUp(figures, sov, previous);
        paid += figures.summary.currentPaymentDueCents;
        // Line 8s of the series add up to the latest line 6 (line 7 is the previous line 6, not a running sum).
        expect(paid).toBe(figures.summary.totalEarnedLessRetainageCents);
        previous = figures;
        checked++;
      }
    }
    expect(checked).toBe(240);
  });
});

function checkAddsUp(figures: InvoiceFigures, sov: readonly InvoiceSovLine[], previous: InvoiceFigures | undefined) {
  const { lines, summary, totals } = figures;
  const sum = (pick: (l: (typeof lines)[number]) => number) => lines.reduce((s, l) => s + pick(l), 0);
  lines.forEach((l, i) => {
    const before = previous?.lines[i];
    expect(l.lineId).toBe(sov[i]!.lineId);
    expect(l.scheduledValueCents).toBe(sov[i]!.scheduledValueCents);
    expect(l.previousWorkCents).toBe(before ? before.previousWorkCents + before.workThisPeriodCents : 0);
    expect(l.completedAndStoredCents).toBe(l.previousWorkCents + l.workThisPeriodCents + l.materialsStoredCents);
    expect(l.completedAndStoredCents).toBeLessThanOrEqual(l.scheduledValueCents);
    expect(l.balanceToFinishCents).toBe(l.scheduledValueCents - l.completedAndStoredCents);
    expect(l.retainageCents).toBe(l.workRetainage.currentlyRetainedCents + l.materialsRetainage.currentlyRetainedCents);
    if (l.kind === 'unit') {
      expect(l.previousWorkCents + l.workThisPeriodCents).toBe(unitValueCents(l.quantityToDate!, l.unitPrice!));
      expect(l.materialsStoredCents).toBe(0);
    }
    for (const name of ['workRetainage', 'materialsRetainage'] as const) {
      const bucket = l[name];
      const was = before?.[name];
      expect(bucket.currentlyRetainedCents).toBeGreaterThanOrEqual(0);
      expect(bucket.currentlyRetainedCents).toBe((was?.currentlyRetainedCents ?? 0) + bucket.retainedThisPeriodCents - bucket.releasedThisPeriodCents);
      // Releases the base no longer carries were taken back with it.
      expect(bucket.releasedToDateCents).toBe(Math.min(was?.releasedToDateCents ?? 0, bucket.retainageCents) + bucket.releasedThisPeriodCents);
      expect(bucket.currentlyRetainedCents).toBe(bucket.retainageCents - bucket.releasedToDateCents);
      if (bucket.source === 'percent') expect(bucket.retainageCents).toBe(percentOfCents(bucket.baseCents, bucket.percent));
    }
  });
  expect(totals.scheduledValueCents).toBe(sum((l) => l.scheduledValueCents));
  expect(totals.previousWorkCents).toBe(sum((l) => l.previousWorkCents));
  expect(totals.workThisPeriodCents).toBe(sum((l) => l.workThisPeriodCents));
  expect(totals.materialsStoredCents).toBe(sum((l) => l.materialsStoredCents));
  expect(totals.balanceToFinishCents).toBe(sum((l) => l.balanceToFinishCents));
  expect(totals.retainageCents).toBe(sum((l) => l.retainageCents));

  expect(summary.contractSumToDateCents).toBe(summary.originalContractSumCents + summary.netChangeByChangeOrdersCents);
  expect(summary.contractSumToDateCents).toBe(sum((l) => l.scheduledValueCents));
  expect(summary.totalCompletedAndStoredCents).toBe(sum((l) => l.completedAndStoredCents));
  expect(summary.workRetainageCents).toBe(sum((l) => l.workRetainage.currentlyRetainedCents));
  expect(summary.materialsRetainageCents).toBe(sum((l) => l.materialsRetainage.currentlyRetainedCents));
  expect(summary.totalRetainageCents).toBe(summary.workRetainageCents + summary.materialsRetainageCents);
  expect(summary.totalRetainageCents).toBe(totals.retainageCents);
  expect(summary.totalEarnedLessRetainageCents).toBe(summary.totalCompletedAndStoredCents - summary.totalRetainageCents);
  expect(summary.previousCertificatesCents).toBe(previous?.summary.totalEarnedLessRetainageCents ?? 0);
  expect(summary.currentPaymentDueCents).toBe(summary.totalEarnedLessRetainageCents - summary.previousCertificatesCents);
  expect(summary.balanceToFinishIncludingRetainageCents).toBe(summary.contractSumToDateCents - summary.totalEarnedLessRetainageCents);
}
