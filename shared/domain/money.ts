import BigJs from 'big.js';
import { assertCents, MoneyError } from './cents';
// Cents and their formatting need no decimals: in cents.ts, so modules that only print money do not bundle big.js.
export { addCents, assertCents, formatCents, formatMoney, MoneyError, sumCents } from './cents';

/**
 * Money as integer cents: hundredths of the currency's unit, in every currency (¥1,234,567 is
 * 123456700; the project's currency only decides how amounts are printed, see formatMoney).
 * Quantities, unit prices and percentages as exact decimal strings.
 * Products are computed exactly (big.js) and rounded ONCE to cents, half away from zero
 * (big.js's roundHalfUp rounds -0.5 to -1). Pure: no I/O.
 */

/**
 * Exact decimals: products and sums are exact; quotients are cut at 64 decimal places (big.js's default 20
 * could shift a rounded figure). A constructor of our own, so no other user of big.js changes these settings.
 */
export const Decimal = BigJs();
Decimal.DP = 64;
Decimal.RM = Decimal.roundHalfUp;
export type Decimal = BigJs.Big;

export interface DecimalRule {
  /** Most digits after the point. */
  maxDecimals: number;
  /** Deltas (change-order adjustments) may be negative; amounts, quantities and prices may not. */
  allowNegative?: boolean;
  /** Inclusive upper bound, e.g. 100 for a percentage. */
  max?: string;
}

export const decimalRules = {
  quantity: { maxDecimals: 4 },
  quantityDelta: { maxDecimals: 4, allowNegative: true },
  unitPrice: { maxDecimals: 4 },
  percent: { maxDecimals: 4, max: '100' },
} as const satisfies Record<string, DecimalRule>;

/** Plain notation only: no exponent, no sign other than a leading minus, no bare point. */
const decimalPattern = /^-?\d+(\.\d+)?$/;

/** Digits after the point, trailing zeros not counted: big.js keeps the significant digits (c) and the exponent (e). */
function decimalPlaces(decimal: Decimal): number {
  return Math.max(0, decimal.c.length - decimal.e - 1);
}

/** Parses a decimal string under a rule; throws MoneyError saying what is wrong. */
export function parseDecimal(value: string, rule: DecimalRule): Decimal {
  if (!decimalPattern.test(value)) {
    throw new MoneyError('format', `must be a decimal number written like "12.5" (got "${value}")`);
  }
  const decimal = new Decimal(value);
  if (decimal.lt(0) && !rule.allowNegative) throw new MoneyError('negative', 'must not be negative');
  if (decimalPlaces(decimal) > rule.maxDecimals) {
    throw new MoneyError('decimals', `must have at most ${rule.maxDecimals} decimal places`);
  }
  if (rule.max !== undefined && decimal.gt(rule.max)) throw new MoneyError('range', `must be at most ${rule.max}`);
  return decimal;
}

/** The message for a field error, or undefined when the string satisfies the rule. */
export function decimalProblem(value: string, rule: DecimalRule): string | undefined {
  try {
    parseDecimal(value, rule);
    return undefined;
  } catch (error) {
    if (error instanceof MoneyError) return error.message;
    throw error;
  }
}

/** The canonical form stored and answered: "012.50" → "12.5", "-0" → "0". */
export function normalizeDecimal(value: string, rule: DecimalRule): string {
  const decimal = parseDecimal(value, rule);
  return decimal.eq(0) ? '0' : decimal.toFixed();
}

/** Rounds a decimal number of cents once, half away from zero, refusing what integers cannot hold exactly. */
function roundToCents(cents: Decimal): number {
  const rounded = cents.round(0, Decimal.roundHalfUp);
  if (rounded.abs().gt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError('range', 'is too large to be held exactly in cents');
  }
  // -0 would compare unequal to 0 in strict equality checks.
  return rounded.eq(0) ? 0 : rounded.toNumber();
}

/** quantity × unit price in cents, rounded once: 12.5 × 123.45 = 154313; 3 × 33.33 = 9999. */
export function unitValueCents(quantity: string, unitPrice: string): number {
  const q = parseDecimal(quantity, decimalRules.quantity);
  const p = parseDecimal(unitPrice, decimalRules.unitPrice);
  return roundToCents(q.times(p).times(100));
}

/** percent % of cents, rounded once: 10 % of 199125 = 19913 (19912.5 rounds away from zero). */
export function percentOfCents(cents: number, percent: string): number {
  assertCents(cents);
  const rate = parseDecimal(percent, decimalRules.percent);
  return roundToCents(new Decimal(cents).times(rate).div(100));
}

/** Exact decimal addition of two decimal strings (quantity + delta), in canonical form. */
export function addDecimals(a: string, b: string): string {
  const sum = new Decimal(a).plus(b);
  return sum.eq(0) ? '0' : sum.toFixed();
}

export function isNegativeDecimal(value: string): boolean {
  return new Decimal(value).lt(0);
}

/** Money is entered in integer cents: a refused amount's message says so, with an example. */
export const wholeCentsMessage = 'must be a whole number of cents (e.g. 50025 for $500.25)';
