/**
 * Splits a whole number of cents across parts in proportion to their weights, largest remainder
 * (Hamilton): every part gets floor(total × weight ÷ Σ weights), and the cents left over go one
 * each to the parts with the largest fractional remainders (ties: the earlier part). The parts
 * always add up to the total exactly, and no part is off by more than a cent from its exact
 * share. Pure; exact integer arithmetic (BigInt), no floats.
 */
import { assertCents } from './money';

export function apportionCents(totalCents: number, weights: readonly number[]): number[] {
  assertCents(totalCents);
  for (const weight of weights) {
    assertCents(weight);
    if (weight < 0) throw new RangeError('apportionCents: weights must not be negative');
  }
  const weightSum = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (weightSum === 0n) {
    if (totalCents === 0) return weights.map(() => 0);
    throw new RangeError('apportionCents: cannot apportion a non-zero total over zero weights');
  }
  const sign = totalCents < 0 ? -1n : 1n;
  const total = BigInt(Math.abs(totalCents));
  const shares = weights.map((w, index) => {
    const product = total * BigInt(w);
    return { index, floor: product / weightSum, remainder: product % weightSum };
  });
  let left = total - shares.reduce((sum, s) => sum + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.floor += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(sign * s.floor) || 0);
}
