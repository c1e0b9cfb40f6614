/**
 * Staged retainage releases (DOMAIN.md "Sliding-scale retention": e.g. half at practical
 * completion, half after the defects liability period), pure: a percentage or an amount of what
 * is held, rounded once, then apportioned exactly over every line's held work and materials
 * retainage (largest remainder), so the release entries add up to it to the cent.
 */
import { apportionCents } from './apportion';
import type { FieldIssue } from './errors';
import { formatCents, percentOfCents, sumCents } from './money';

export interface HeldOnLine {
  lineId: string;
  workHeldCents: number;
  materialsHeldCents: number;
}

export type StagedRelease = { releasePercent: string } | { releaseAmountCents: number };

export interface ReleaseEntry {
  lineId: string;
  workRetainageReleasedCents: number;
  materialsRetainageReleasedCents?: number;
}

/** The release entries per line for a staged release of what `held` holds, or the issues naming the field. */
export function stagedReleaseEntries(held: readonly HeldOnLine[], release: StagedRelease): { entries: ReleaseEntry[]; releasedCents: number } | { issues: FieldIssue[] } {
  const heldCents = sumCents(held.flatMap((l) => [l.workHeldCents, l.materialsHeldCents]));
  const field = 'releasePercent' in release ? 'releasePercent' : 'releaseAmountCents';
  if (heldCents <= 0) return { issues: [{ field, message: 'nothing is held to release' }] };
  const releasedCents = 'releasePercent' in release ? percentOfCents(heldCents, release.releasePercent) : release.releaseAmountCents;
  if (releasedCents <= 0) return { issues: [{ field, message: `releases nothing of the ${formatCents(heldCents)} held` }] };
  if (releasedCents > heldCents) return { issues: [{ field, message: `must not release more than the ${formatCents(heldCents)} held` }] };
  const shares = apportionCents(releasedCents, held.flatMap((l) => [l.workHeldCents, l.materialsHeldCents]));
  const entries = held.map((line, index) => ({
    lineId: line.lineId,
    workRetainageReleasedCents: shares[2 * index]!,
    ...(line.materialsHeldCents > 0 && { materialsRetainageReleasedCents: shares[2 * index + 1]! }),
  }));
  return { entries, releasedCents };
}
