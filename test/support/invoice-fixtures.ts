import Big from 'big.js';
import { percentOfCents, sumCents } from '../../shared/domain/money';
import type { Region } from '../../shared/domain/terminology';
import type { InvoiceDocument, InvoicePdfLine, InvoicePdfSummary, InvoicePdfTotals } from '../../shared/pdf/invoice-pdf';

/** View models for invoice PDF tests: figures that add up the way docs/domain.md says they must. */

const base = {
  project: { name: 'Harbour View Tower', number: 'P-2025-014' },
  commitment: { number: 'SC-001', title: 'Concrete and electrical works', type: 'subcontract', vendorName: 'Apex Builders Pty Ltd' },
  invoice: {
    number: 'INV-0002',
    position: 2,
    status: 'under_review',
    invoiceDate: '2025-03-28',
    billingPeriod: { start: '2025-03-01', end: '2025-03-31', due: '2025-03-25' },
  },
  retainagePercent: { work: '10', materials: '5' },
  printedAt: new Date('2025-04-02T09:15:00Z'),
  timeZone: 'UTC',
} as const satisfies Partial<InvoiceDocument>;

/**
 * Three lines, hand-checked (cents): 10 % retainage on work, 5 % on stored materials.
 *   1  C 125,000.00  D 50,000.00  E 25,000.00  F 0         G 75,000.00  60.00 %  H 50,000.00   I 7,500.00
 *   2  C  48,000.00  D 0          E 1,543.13   F 2,500.00  G 4,043.13    8.42 %  H 43,956.87   I 154.31 + 125.00 = 279.31
 *   3  C  -2,500.00  D 0          E -1,250.00  F 0         G -1,250.00  50.00 %  H -1,250.00   I -125.00
 * G702: 1 = 173,000.00; 2 = -2,500.00; 3 = 170,500.00; 4 = 77,793.13; 5a = 7,529.31; 5b = 125.00;
 * 5 = 7,654.31; 6 = 70,138.82; 7 = 45,000.00 (previous line 6: 50,000.00 less 10 %);
 * 8 = 25,138.82; 9 = 100,361.18.
 */
export function threeLineInvoice(region: Region = 'en-US'): InvoiceDocument {
  const lines: InvoicePdfLine[] = [
    {
      lineId: 'line-1',
      itemNumber: '1',
      costCode: '02-200',
      description: 'Site preparation and earthworks',
      scheduledValueCents: 12_500_000,
      fromPreviousCents: 5_000_000,
      thisPeriodCents: 2_500_000,
      materialsStoredCents: 0,
      totalCompletedCents: 7_500_000,
      percent: '60',
      balanceCents: 5_000_000,
      retainageCents: 750_000,
    },
    {
      lineId: 'line-2',
      itemNumber: '2',
      costCode: '16-100',
      description: 'Electrical rough-in',
      scheduledValueCents: 4_800_000,
      fromPreviousCents: 0,
      thisPeriodCents: 154_313,
      materialsStoredCents: 250_000,
      totalCompletedCents: 404_313,
      percent: '8.4231875',
      balanceCents: 4_395_687,
      retainageCents: 27_931,
    },
    {
      lineId: 'line-3',
      itemNumber: '3',
      costCode: '09-900',
      description: 'Deduct: delete feature wall (CO-004)',
      scheduledValueCents: -250_000,
      fromPreviousCents: 0,
      thisPeriodCents: -125_000,
      materialsStoredCents: 0,
      totalCompletedCents: -125_000,
      percent: '50',
      balanceCents: -125_000,
      retainageCents: -12_500,
    },
  ];
  return {
    ...base,
    region,
    lines,
    totals: {
      scheduledValueCents: 17_050_000,
      fromPreviousCents: 5_000_000,
      thisPeriodCents: 2_529_313,
      materialsStoredCents: 250_000,
      totalCompletedCents: 7_779_313,
      percent: '45.6264692',
      balanceCents: 9_270_687,
      retainageCents: 765_431,
    },
    summary: {
      originalContractSumCents: 17_300_000,
      netChangeOrdersCents: -250_000,
      contractSumToDateCents: 17_050_000,
      totalCompletedAndStoredCents: 7_779_313,
      retainageWorkCents: 752_931,
      retainageMaterialsCents: 12_500,
      retainageTotalCents: 765_431,
      totalEarnedLessRetainageCents: 7_013_882,
      previousCertificatesCents: 4_500_000,
      currentPaymentDueCents: 2_513_882,
      balanceToFinishCents: 10_036_118,
    },
  };
}

const trades = [
  'Concrete formwork',
  'Reinforcing steel',
  'Structural steel',
  'Drywall and framing',
  'Electrical rough-in',
  'Plumbing',
  'HVAC ductwork',
  'Roofing',
  'Painting',
  'Glazing',
  'Fire sprinklers',
];

/** "Line 007 Plumbing, level 8": unique, and short enough for one line of column B. */
export function lineDescription(index: number): string {
  return `Line ${String(index + 1).padStart(3, '0')} ${trades[index % trades.length]}, level ${1 + (index % 12)}`;
}

const percent = (part: number, whole: number) => (whole === 0 ? '0' : new Big(part).times(100).div(whole).toFixed(4));

/** `count` generated lines whose columns, totals and G702 lines add up exactly. */
export function manyLineInvoice(count: number, region: Region = 'en-AU'): InvoiceDocument {
  const rates = { work: '10', materials: '5' };
  const lines: Array<InvoicePdfLine & { workRetainage: number; materialsRetainage: number; previousRetainage: number }> = [];
  for (let index = 0; index < count; index++) {
    const scheduled = 1_000_000 + index * 12_345;
    const previous = percentOfCents(scheduled, '20');
    const thisPeriod = percentOfCents(scheduled, '12.5');
    const stored = index % 3 === 0 ? 25_000 : 0;
    const completed = previous + thisPeriod + stored;
    const workRetainage = percentOfCents(previous + thisPeriod, rates.work);
    const materialsRetainage = percentOfCents(stored, rates.materials);
    lines.push({
      lineId: `line-${index + 1}`,
      itemNumber: String(index + 1),
      costCode: `${String(3 + (index % 14)).padStart(2, '0')}-${String(100 + index).padStart(3, '0')}`,
      description: lineDescription(index),
      scheduledValueCents: scheduled,
      fromPreviousCents: previous,
      thisPeriodCents: thisPeriod,
      materialsStoredCents: stored,
      totalCompletedCents: completed,
      percent: percent(completed, scheduled),
      balanceCents: scheduled - completed,
      retainageCents: workRetainage + materialsRetainage,
      workRetainage,
      materialsRetainage,
      previousRetainage: percentOfCents(previous, rates.work),
    });
  }
  const total = (pick: (line: (typeof lines)[number]) => number) => sumCents(lines.map(pick));
  const totals: InvoicePdfTotals = {
    scheduledValueCents: total((line) => line.scheduledValueCents),
    fromPreviousCents: total((line) => line.fromPreviousCents),
    thisPeriodCents: total((line) => line.thisPeriodCents),
    materialsStoredCents: total((line) => line.materialsStoredCents),
    totalCompletedCents: total((line) => line.totalCompletedCents),
    percent: '0',
    balanceCents: total((line) => line.balanceCents),
    retainageCents: total((line) => line.retainageCents),
  };
  totals.percent = percent(totals.totalCompletedCents, totals.scheduledValueCents);
  const retainageWorkCents = total((line) => line.workRetainage);
  const retainageMaterialsCents = total((line) => line.materialsRetainage);
  const retainageTotalCents = retainageWorkCents + retainageMaterialsCents;
  const totalEarnedLessRetainageCents = totals.totalCompletedCents - retainageTotalCents;
  const previousCertificatesCents = totals.fromPreviousCents - total((line) => line.previousRetainage);
  const summary: InvoicePdfSummary = {
    originalContractSumCents: totals.scheduledValueCents,
    netChangeOrdersCents: 0,
    contractSumToDateCents: totals.scheduledValueCents,
    totalCompletedAndStoredCents: totals.totalCompletedCents,
    retainageWorkCents,
    retainageMaterialsCents,
    retainageTotalCents,
    totalEarnedLessRetainageCents,
    previousCertificatesCents,
    currentPaymentDueCents: totalEarnedLessRetainageCents - previousCertificatesCents,
    balanceToFinishCents: totals.scheduledValueCents - totalEarnedLessRetainageCents,
  };
  return {
    ...base,
    region,
    lines: lines.map(({ workRetainage: _w, materialsRetainage: _m, previousRetainage: _p, ...line }) => line),
    totals,
    summary,
  };
}
