import BigJs from 'big.js';

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

/** A decimal string or cents value the caller must fix: names what is wrong, for a field error. */
export class MoneyError extends Error {
  constructor(
    readonly code: 'format' | 'decimals' | 'negative' | 'range',
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

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

/** Throws unless the value is an integer number of cents that is held exactly. */
export function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new MoneyError('range', `${cents} is not a whole number of cents within the exact range`);
}

/** a + b in cents, refusing a result beyond Number.MAX_SAFE_INTEGER. */
export function addCents(a: number, b: number): number {
  assertCents(a);
  assertCents(b);
  const sum = a + b;
  assertCents(sum);
  return sum;
}

export function sumCents(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total = addCents(total, value);
  return total;
}

/** Exact decimal addition of two decimal strings (quantity + delta), in canonical form. */
export function addDecimals(a: string, b: string): string {
  const sum = new Decimal(a).plus(b);
  return sum.eq(0) ? '0' : sum.toFixed();
}

export function isNegativeDecimal(value: string): boolean {
  return new Decimal(value).lt(0);
}

/** Cents as sign, whole units and the two-digit fraction, cut from the digits (no division). */
function centsParts(cents: number): { sign: string; whole: string; fraction: string } {
  assertCents(cents);
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return { sign: cents < 0 ? '-' : '', whole: digits.slice(0, -2), fraction: digits.slice(-2) };
}

/** 154313 → "1543.13", -5 → "-0.05": for details a person reads. */
export function formatCents(cents: number): string {
  const { sign, whole, fraction } = centsParts(cents);
  return `${sign}${whole}.${fraction}`;
}

/**
 * 154313 → "1,543.13"; -5 → "-0.05"; 0 → "0.00". Throws unless cents are a safe integer.
 * `fractionDigits` is the currency's (currencyFractionDigits: 0 for JPY, 3 for BHD): 123456700 with 0
 * → "1,234,567"; 123 with 3 → "1.230". Never rounds: an amount with hundredths a zero-decimal
 * currency does not write (a computed ¥0.50) keeps them, so printed columns still add up.
 */
export function formatMoney(cents: number, fractionDigits = 2): string {
  const { sign, whole, fraction } = centsParts(cents);
  const grouped = `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
  if (fractionDigits >= 2) return `${grouped}.${fraction.padEnd(fractionDigits, '0')}`;
  if (fraction !== '00') return `${grouped}.${fraction}`;
  return fractionDigits === 0 ? grouped : `${grouped}.${fraction.slice(0, fractionDigits)}`;
}

/** Money is entered in integer cents: a refused amount's message says so, with an example. */
export const wholeCentsMessage = 'must be a whole number of cents (e.g. 50025 for $500.25)';
