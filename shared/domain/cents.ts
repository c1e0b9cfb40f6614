/**
 * Money as integer cents, without decimals: the checks, sums and formatting that need no big.js
 * (shared/domain/money.ts re-exports them beside its exact decimals), so a module that only
 * prints or adds cents does not bundle big.js, whose module builds its constructor at load.
 */

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
