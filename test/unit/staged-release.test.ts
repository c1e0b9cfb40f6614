import { describe, expect, it } from 'vitest';
import { stagedReleaseEntries } from '../../shared/domain/staged-release';

const held = [
  { lineId: 'a', workHeldCents: 1_318_182, materialsHeldCents: 0 },
  { lineId: 'b', workHeldCents: 681_818, materialsHeldCents: 0 },
];

describe('staged retainage releases', () => {
  it('50 % of $20,000.00 held, per line to the cent (largest remainder)', () => {
    expect(stagedReleaseEntries(held, { releasePercent: '50' })).toEqual({
      releasedCents: 1_000_000,
      entries: [
        { lineId: 'a', workRetainageReleasedCents: 659_091 },
        { lineId: 'b', workRetainageReleasedCents: 340_909 },
      ],
    });
  });

  it('rounds the total once, then splits it exactly over work and materials', () => {
    const mixed = [
      { lineId: 'a', workHeldCents: 333, materialsHeldCents: 333 },
      { lineId: 'b', workHeldCents: 334, materialsHeldCents: 0 },
    ];
    const result = stagedReleaseEntries(mixed, { releasePercent: '33.3333' });
    if ('issues' in result) throw new Error('unexpected issues');
    expect(result.releasedCents).toBe(333); // 999.999... rounded once
    const total = result.entries.reduce((sum, e) => sum + e.workRetainageReleasedCents + (e.materialsRetainageReleasedCents ?? 0), 0);
    expect(total).toBe(333);
    expect(result.entries[0]).toHaveProperty('materialsRetainageReleasedCents');
    expect(result.entries[1]).not.toHaveProperty('materialsRetainageReleasedCents');
  });

  it('refuses more than is held, nothing held, or a release of nothing, naming the field', () => {
    expect(stagedReleaseEntries(held, { releaseAmountCents: 2_000_001 })).toEqual({ issues: [{ field: 'releaseAmountCents', message: 'must not release more than the 20000.00 held' }] });
    expect(stagedReleaseEntries([{ lineId: 'a', workHeldCents: 0, materialsHeldCents: 0 }], { releasePercent: '50' })).toMatchObject({ issues: [{ field: 'releasePercent' }] });
    expect(stagedReleaseEntries(held, { releasePercent: '0' })).toMatchObject({ issues: [{ field: 'releasePercent' }] });
  });
});
