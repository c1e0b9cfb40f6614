import { describe, expect, it } from 'vitest';
import {
  allocate,
  isEditable,
  submissionErrors,
  subLineErrors,
  transitionRefusal,
  type ParentLine,
  type SsovSubLine,
} from '../../shared/domain/ssov';
import { MoneyError } from '../../shared/domain/money';

const parents: ParentLine[] = [
  { lineId: 'L1', description: 'Framing', costCode: '06-100', scheduledValueCents: 100_000 },
  { lineId: 'L2', description: 'Drywall', scheduledValueCents: 154_313 },
  { lineId: 'L3', description: 'Allowance', scheduledValueCents: 0 },
];
const sub = (subLineId: string, parentLineId: string, amountCents: number): SsovSubLine => ({
  subLineId,
  parentLineId,
  description: `${subLineId} work`,
  amountCents,
});

describe('allocation', () => {
  it('sums sub-lines per SOV line exactly to the cent and reports what remains', () => {
    const allocation = allocate(parents, [sub('a', 'L1', 33_333), sub('b', 'L1', 33_333), sub('c', 'L1', 33_333), sub('d', 'L2', 154_312)]);
    expect(allocation.parents).toEqual([
      { parentLineId: 'L1', description: 'Framing', costCode: '06-100', scheduledValueCents: 100_000, allocatedCents: 99_999, remainingCents: 1, subLineCount: 3 },
      { parentLineId: 'L2', description: 'Drywall', scheduledValueCents: 154_313, allocatedCents: 154_312, remainingCents: 1, subLineCount: 1 },
      { parentLineId: 'L3', description: 'Allowance', scheduledValueCents: 0, allocatedCents: 0, remainingCents: 0, subLineCount: 0 },
    ]);
    expect(allocation.totals).toEqual({ scheduledValueCents: 254_313, allocatedCents: 254_311, remainingCents: 2 });
    expect(allocation.complete).toBe(false);
  });

  it('is complete only when every line is allocated exactly (a zero-value line needs nothing)', () => {
    const exact = allocate(parents, [sub('a', 'L1', 50_000), sub('b', 'L1', 50_000), sub('c', 'L2', 154_313)]);
    expect(exact.complete).toBe(true);
    expect(exact.parents.map((p) => p.remainingCents)).toEqual([0, 0, 0]);
    expect(exact.totals.remainingCents).toBe(0);
  });

  it('over-allocation is a negative remaining amount, not complete', () => {
    const over = allocate(parents, [sub('a', 'L1', 100_001), sub('c', 'L2', 154_313)]);
    expect(over.parents[0]!.remainingCents).toBe(-1);
    expect(over.complete).toBe(false);
  });

  it('sub-lines of a line no longer in the SOV are orphaned and keep it incomplete', () => {
    const changedSov = parents.filter((p) => p.lineId !== 'L2');
    const allocation = allocate(changedSov, [sub('a', 'L1', 100_000), sub('x', 'L2', 154_313), sub('y', 'L2', 1)]);
    expect(allocation.orphanedSubLineIds).toEqual(['x', 'y']);
    expect(allocation.parents.map((p) => p.parentLineId)).toEqual(['L1', 'L3']);
    expect(allocation.totals.allocatedCents).toBe(100_000);
    expect(allocation.complete).toBe(false);
  });

  it('a changed scheduled value shows up as new remaining amounts against the same sub-lines', () => {
    const lines = [sub('a', 'L1', 100_000), sub('c', 'L2', 154_313)];
    expect(allocate(parents, lines).complete).toBe(true);
    const afterChangeOrder = allocate([{ ...parents[0]!, scheduledValueCents: 112_550 }, parents[1]!, parents[2]!], lines);
    expect(afterChangeOrder.parents[0]!.remainingCents).toBe(12_550);
    expect(afterChangeOrder.complete).toBe(false);
  });

  it('refuses sums that would no longer be exact integers', () => {
    expect(() =>
      allocate([{ lineId: 'L', description: 'x', scheduledValueCents: 0 }], [sub('a', 'L', Number.MAX_SAFE_INTEGER), sub('b', 'L', 1)]),
    ).toThrow(MoneyError);
  });
});

describe('validation of a replacement', () => {
  it('names each sub-line whose parent is not an SOV line, and duplicate sub-line ids', () => {
    expect(
      subLineErrors(
        [
          { parentLineId: 'L1' },
          { subLineId: 's1', parentLineId: 'nope' },
          { subLineId: 's1', parentLineId: 'L2' },
        ],
        parents,
      ),
    ).toEqual([
      { field: 'lines.1.parentLineId', message: expect.stringContaining('nope') },
      { field: 'lines.2.subLineId', message: expect.stringContaining('s1') },
    ]);
    expect(subLineErrors([{ parentLineId: 'L1' }, { parentLineId: 'L1' }], parents)).toEqual([]);
  });
});

describe('submission', () => {
  it('lists each line with its remaining amount, and each orphaned sub-line', () => {
    const lines = [sub('a', 'L1', 99_999), sub('b', 'L2', 154_314), sub('z', 'gone', 5)];
    const errors = submissionErrors(allocate(parents, lines), lines);
    expect(errors).toEqual([
      { field: 'parentLines.0.remainingCents', message: expect.stringMatching(/L1 “Framing”: 0\.01 remaining to allocate \(scheduled 1000\.00, allocated 999\.99\)/) },
      { field: 'parentLines.1.remainingCents', message: expect.stringMatching(/L2 “Drywall”: 0\.01 allocated above the line/) },
      { field: 'lines.2.parentLineId', message: expect.stringContaining('gone no longer exists') },
    ]);
  });

  it('has nothing to say about a fully allocated SSOV, and refuses an SOV without lines', () => {
    const lines = [sub('a', 'L1', 100_000), sub('b', 'L2', 154_313)];
    expect(submissionErrors(allocate(parents, lines), lines)).toEqual([]);
    expect(submissionErrors(allocate([], []), [])).toEqual([{ field: 'parentLines', message: expect.stringContaining('no lines') }]);
  });
});

describe('workflow', () => {
  it('is editable in draft and revise & resubmit only', () => {
    expect(isEditable('draft')).toBe(true);
    expect(isEditable('revise_and_resubmit')).toBe(true);
    expect(isEditable('under_review')).toBe(false);
    expect(isEditable('approved')).toBe(false);
  });

  it('draft → under_review → revise_and_resubmit | approved; revise_and_resubmit → under_review; approved can be reopened', () => {
    expect(transitionRefusal('draft', 'under_review')).toBeUndefined();
    expect(transitionRefusal('revise_and_resubmit', 'under_review')).toBeUndefined();
    expect(transitionRefusal('under_review', 'approved')).toBeUndefined();
    expect(transitionRefusal('under_review', 'revise_and_resubmit')).toBeUndefined();

    expect(transitionRefusal('draft', 'revise_and_resubmit')).toMatch(/only from under review or approved/);
    expect(transitionRefusal('draft', 'approved')).toMatch(/draft; it can become approved only from under review/);
    expect(transitionRefusal('approved', 'revise_and_resubmit')).toBeUndefined();
    expect(transitionRefusal('under_review', 'under_review')).toMatch(/only from draft or revise & resubmit/);
    expect(transitionRefusal('approved', 'under_review')).toBeDefined();
    expect(transitionRefusal('revise_and_resubmit', 'approved')).toBeDefined();
  });
});
