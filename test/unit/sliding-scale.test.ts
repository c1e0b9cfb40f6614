import { describe, expect, it } from 'vitest';
import { apportionCents } from '../../shared/domain/apportion';
import { computeInvoice, type InvoiceFigures, type InvoiceInput, type LineEntry } from '../../shared/domain/invoice-figures';
import { InputError } from '../../shared/domain/errors';
import {
  activeSlidingScaleRule,
  cappedRetentionThisPeriod,
  releaseEntries,
  releaseStageAmount,
  slidingScaleRuleIssues,
  slidingScaleRulesRefusal,
  type HeldLine,
  type SlidingScaleRule,
} from '../../shared/domain/sliding-scale';

describe('apportionCents (largest remainder)', () => {
  it('adds up exactly and gives the leftover cents to the largest remainders', () => {
    expect(apportionCents(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportionCents(400_000, [400_000, 333_333])).toEqual([218_182, 181_818]);
    expect(apportionCents(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(apportionCents(0, [0, 0])).toEqual([0, 0]);
    expect(apportionCents(7, [0, 5, 0])).toEqual([0, 7, 0]);
  });
  it('refuses a non-zero total over no weight', () => {
    expect(() => apportionCents(1, [0, 0])).toThrow(RangeError);
  });
});

const contract400k = { originalContractSumCents: 40_000_000, contractSumToDateCents: 41_000_000 };
const tenUntilFive: SlidingScaleRule = { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } };

describe('sliding-scale rules', () => {
  it('computes each kind of limit and picks the first rule not yet reached', () => {
    const rules: SlidingScaleRule[] = [
      tenUntilFive,
      { retainagePercent: '5', until: { kind: 'revised_contract_percent', percent: '7.5' } },
      { retainagePercent: '2.5', until: { kind: 'amount', cents: 3_500_000 } },
    ];
    expect(slidingScaleRulesRefusal(rules, contract400k)).toBeUndefined();
    expect(activeSlidingScaleRule(rules, 0, contract400k)).toMatchObject({ index: 0, limitCents: 2_000_000 });
    expect(activeSlidingScaleRule(rules, 1_999_999, contract400k)).toMatchObject({ index: 0 });
    // 7.5 % of the revised $410,000.00 = $30,750.00
    expect(activeSlidingScaleRule(rules, 2_000_000, contract400k)).toMatchObject({ index: 1, limitCents: 3_075_000 });
    expect(activeSlidingScaleRule(rules, 3_075_000, contract400k)).toMatchObject({ index: 2, limitCents: 3_500_000 });
    expect(activeSlidingScaleRule(rules, 3_500_000, contract400k)).toBeUndefined();
  });

  it('refuses more than 5 rules, bad figures and a limit that could never apply, naming each field', () => {
    const six = Array.from({ length: 6 }, (_, i): SlidingScaleRule => ({ retainagePercent: '1', until: { kind: 'amount', cents: (i + 1) * 100 } }));
    expect(slidingScaleRuleIssues(six, contract400k).map((i) => i.field)).toEqual(['rules']);
    const issues = slidingScaleRuleIssues(
      [
        { retainagePercent: '101', until: { kind: 'amount', cents: 100 } },
        { retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '0' } },
        { retainagePercent: '10', until: { kind: 'amount', cents: 0 } },
        { retainagePercent: '10', until: { kind: 'amount', cents: 2_000_000 } },
        { retainagePercent: '5', until: { kind: 'original_contract_percent', percent: '5' } },
      ],
      contract400k,
    );
    expect(issues.map((i) => i.field)).toEqual(['rules.0.retainagePercent', 'rules.1.until.percent', 'rules.2.until.cents', 'rules.4.until']);
    expect(issues[3]!.message).toMatch(/must be above rule 4's \(20000.00\)/);
  });

  it('caps this period to the headroom, apportioned over the increases, decreases kept', () => {
    expect(cappedRetentionThisPeriod('10', [1_000, 2_000], 1_000)).toEqual({ cents: [100, 200], capped: false });
    expect(cappedRetentionThisPeriod('10', [4_000_000, 3_333_333], 400_000)).toEqual({ cents: [218_182, 181_818], capped: true });
    // A credit of 500 on one line gives back 50, which makes room for 50 more on the other.
    expect(cappedRetentionThisPeriod('10', [-500, 10_000], 100)).toEqual({ cents: [-50, 150], capped: true });
  });
});

// ---- The worked example: a $400,000.00 subcontract, 10 % until 5 % ($20,000.00) is held ----

const sovLines = [
  { lineId: 'L1', description: 'Structure', scheduledValueCents: 25_000_000 },
  { lineId: 'L2', description: 'Services', scheduledValueCents: 15_000_000 },
];

function claim(entries: LineEntry[], previous?: InvoiceFigures): InvoiceFigures {
  const input: InvoiceInput = {
    sovLines,
    contract: {
      originalContractSumCents: 40_000_000,
      approvedChangeOrdersCents: 0,
      retainage: { workPercent: '10', workEnabled: true, materialsPercent: '10', materialsEnabled: true },
      slidingScale: { rules: [tenUntilFive] },
    },
    previous: previous && { lines: previous.lines, summary: previous.summary },
    entries,
    overbillingAllowed: false,
  };
  return computeInvoice(input);
}

const work = (l1: number, l2: number): LineEntry[] => [
  { lineId: 'L1', workThisPeriodCents: l1 },
  { lineId: 'L2', workThisPeriodCents: l2 },
];
const retained = (f: InvoiceFigures) => f.lines.map((l) => l.retainageCents);

/** Every figure adds up: lines to 5a/5b, 6 = 4 − 5, 8 = 6 − 7. */
function expectAddsUp(f: InvoiceFigures) {
  const s = f.summary;
  expect(s.workRetainageCents).toBe(f.lines.reduce((sum, l) => sum + l.workRetainage.currentlyRetainedCents, 0));
  expect(s.materialsRetainageCents).toBe(f.lines.reduce((sum, l) => sum + l.materialsRetainage.currentlyRetainedCents, 0));
  expect(s.totalEarnedLessRetainageCents).toBe(s.totalCompletedAndStoredCents - s.totalRetainageCents);
  expect(s.currentPaymentDueCents).toBe(s.totalEarnedLessRetainageCents - s.previousCertificatesCents);
}

describe('worked example: $400,000.00 subcontract, 10 % of each claim until 5 % ($20,000.00) is held', () => {
  const c1 = claim(work(6_000_000, 2_000_000));
  const c2 = claim(work(5_000_000, 3_000_000), c1);
  const c3 = claim(work(4_000_000, 3_333_333), c2);
  const c4 = claim(work(10_000_000, 6_666_667), c3);
  const held: HeldLine[] = c4.lines.map((l) => ({
    lineId: l.lineId,
    workHeldCents: l.workRetainage.currentlyRetainedCents,
    materialsHeldCents: l.materialsRetainage.currentlyRetainedCents,
    withheldToDateCents: l.workRetainage.retainageCents + l.materialsRetainage.retainageCents,
  }));

  it('claim 1: $80,000.00 of work, 10 % = $8,000.00 held', () => {
    expect(retained(c1)).toEqual([600_000, 200_000]);
    expect(c1.slidingScale).toMatchObject({ ruleNumber: 1, limitCents: 2_000_000, withheldBeforeCents: 0, withheldToDateCents: 800_000, capped: false });
    expect(c1.slidingScale!.description).toBe('10 % until 5 % of the original contract value ($20000.00) is held');
    expect(c1.lines[0]!.workRetainage.source).toBe('sliding_scale');
    expect(c1.summary).toMatchObject({ totalRetainageCents: 800_000, currentPaymentDueCents: 7_200_000 });
    expectAddsUp(c1);
  });

  it('claim 2: another $80,000.00, $16,000.00 held', () => {
    expect(retained(c2)).toEqual([1_100_000, 500_000]);
    expect(c2.slidingScale).toMatchObject({ ruleNumber: 1, withheldBeforeCents: 800_000, withheldThisPeriodCents: 800_000, capped: false });
    expect(c2.summary).toMatchObject({ totalRetainageCents: 1_600_000, currentPaymentDueCents: 7_200_000 });
    expectAddsUp(c2);
  });

  it('claim 3: the cap binds — 10 % of $73,333.33 would be $7,333.33, only $4,000.00 is withheld, split per line', () => {
    // Wanted 4,000.00 + 3,333.33; room 4,000.00 → 2,181.82 + 1,818.18 (largest remainder).
    expect(c3.lines.map((l) => l.workRetainage.retainedThisPeriodCents)).toEqual([218_182, 181_818]);
    expect(retained(c3)).toEqual([1_318_182, 681_818]);
    expect(c3.slidingScale).toMatchObject({ ruleNumber: 1, withheldBeforeCents: 1_600_000, withheldThisPeriodCents: 400_000, withheldToDateCents: 2_000_000, capped: true });
    // 4 = 233,333.33; 5 = 20,000.00; 6 = 213,333.33; 7 = 144,000.00; 8 = 69,333.33
    expect(c3.summary).toMatchObject({
      totalCompletedAndStoredCents: 23_333_333,
      totalRetainageCents: 2_000_000,
      totalEarnedLessRetainageCents: 21_333_333,
      previousCertificatesCents: 14_400_000,
      currentPaymentDueCents: 6_933_333,
    });
    expectAddsUp(c3);
  });

  it('claim 4: the limit is reached, 0 % withheld; the $166,666.67 balance is paid in full', () => {
    expect(c4.slidingScale).toMatchObject({ ruleNumber: null, retainagePercent: '0', withheldThisPeriodCents: 0, withheldToDateCents: 2_000_000 });
    expect(retained(c4)).toEqual([1_318_182, 681_818]);
    expect(c4.summary).toMatchObject({ totalCompletedAndStoredCents: 40_000_000, totalRetainageCents: 2_000_000, currentPaymentDueCents: 16_666_667 });
    expectAddsUp(c4);
  });

  it('release 1 (practical completion): 50 % of the $20,000.00 held, in proportion per line', () => {
    const amount = releaseStageAmount(held, { percent: '50' });
    expect(amount).toEqual({ cents: 1_000_000 });
    const entries = releaseEntries(held, 1_000_000);
    expect(entries).toEqual([
      { lineId: 'L1', workRetainageReleasedCents: 659_091, materialsRetainageReleasedCents: 0 },
      { lineId: 'L2', workRetainageReleasedCents: 340_909, materialsRetainageReleasedCents: 0 },
    ]);
    const r1 = claim(entries, c4);
    expect(r1.summary).toMatchObject({ totalRetainageCents: 1_000_000, currentPaymentDueCents: 1_000_000 });
    expect(r1.slidingScale).toMatchObject({ withheldThisPeriodCents: 0, withheldToDateCents: 2_000_000 });
    expectAddsUp(r1);

    // Release 2 (end of the defects liability period): 50 % of all retention withheld to date = what is left.
    const heldNow: HeldLine[] = r1.lines.map((l) => ({
      lineId: l.lineId,
      workHeldCents: l.workRetainage.currentlyRetainedCents,
      materialsHeldCents: l.materialsRetainage.currentlyRetainedCents,
      withheldToDateCents: l.workRetainage.retainageCents + l.materialsRetainage.retainageCents,
    }));
    expect(releaseStageAmount(heldNow, { percent: '50', of: 'withheld_to_date' })).toEqual({ cents: 1_000_000 });
    const r2 = claim(releaseEntries(heldNow, 1_000_000), r1);
    expect(r2.lines.map((l) => l.workRetainage.releasedThisPeriodCents)).toEqual([659_091, 340_909]);
    expect(r2.summary).toMatchObject({ totalRetainageCents: 0, currentPaymentDueCents: 1_000_000, balanceToFinishIncludingRetainageCents: 0 });
    expectAddsUp(r2);
  });

  it('refuses a release above what is held, and per-line retainage entries under a sliding scale', () => {
    expect(releaseStageAmount(held, { amountCents: 2_000_001 })).toEqual({ refusal: { field: 'amountCents', message: 'would release 20000.01, more than the 20000.00 held' } });
    expect(() => claim([{ lineId: 'L1', workThisPeriodCents: 100, workRetainagePercent: '5' }])).toThrow(InputError);
  });

  it('is never retroactive: rules decided from what came before; a contract without rules figures as before', () => {
    const flat = computeInvoice({
      sovLines,
      contract: { originalContractSumCents: 40_000_000, approvedChangeOrdersCents: 0, retainage: { workPercent: '10', workEnabled: true, materialsPercent: '10', materialsEnabled: true } },
      entries: work(6_000_000, 2_000_000),
      overbillingAllowed: false,
    });
    expect(flat.slidingScale).toBeUndefined();
    expect(flat.lines[0]!.workRetainage.source).toBe('percent');
    expect(retained(flat)).toEqual(retained(c1));
  });

  it('materials stored count toward the limit and give retention back when installed', () => {
    const m1 = claim([{ lineId: 'L1', materialsStoredCents: 1_000_000 }]);
    expect(m1.lines[0]!.materialsRetainage).toMatchObject({ source: 'sliding_scale', currentlyRetainedCents: 100_000 });
    const m2 = claim([{ lineId: 'L1', workThisPeriodCents: 1_000_000, materialsStoredCents: 0 }], m1);
    expect(m2.lines[0]!.materialsRetainage.currentlyRetainedCents).toBe(0);
    expect(m2.lines[0]!.workRetainage.currentlyRetainedCents).toBe(100_000);
    expect(m2.slidingScale).toMatchObject({ withheldThisPeriodCents: 0, withheldToDateCents: 100_000 });
  });
});
