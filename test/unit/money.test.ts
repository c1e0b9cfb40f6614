import { describe, expect, it } from 'vitest';
import {
  MoneyError,
  addCents,
  addDecimals,
  decimalProblem,
  decimalRules,
  formatCents,
  normalizeDecimal,
  parseDecimal,
  percentOfCents,
  sumCents,
  unitValueCents,
} from '../../shared/domain/money';

describe('unitValueCents: quantity × unit price, rounded once to cents', () => {
  it('is exact to the cent', () => {
    expect(unitValueCents('12.5', '123.45')).toBe(154313); // 1543.125 → 1543.13
    expect(unitValueCents('3', '33.33')).toBe(9999);
    expect(unitValueCents('0.1', '0.2')).toBe(2); // binary floats would drift here
    expect(unitValueCents('1.0005', '100')).toBe(10005);
    expect(unitValueCents('0', '999.9999')).toBe(0);
  });

  it('rounds once, not per factor: 2.5 × 0.0045 = 0.01125 → 0.01', () => {
    expect(unitValueCents('2.5', '0.0045')).toBe(1);
    expect(unitValueCents('3', '0.0050')).toBe(2); // 0.015 → 0.02, half away from zero
  });

  it('handles large values exactly and refuses what cents cannot hold exactly', () => {
    expect(unitValueCents('1000000', '9999999.9999')).toBe(999999999990000);
    expect(unitValueCents('12345678901.2345', '1')).toBe(1234567890123);
    expect(() => unitValueCents('100000000000', '1000000')).toThrow(MoneyError);
  });

  it('refuses malformed, negative or over-precise figures', () => {
    expect(() => unitValueCents('1e3', '1')).toThrow(/decimal number/);
    expect(() => unitValueCents('-1', '1')).toThrow(/negative/);
    expect(() => unitValueCents('1', '0.00001')).toThrow(/at most 4 decimal places/);
  });
});

describe('percentOfCents', () => {
  it('10 % of 1,991.25 is 199.13 (the half cent rounds away from zero)', () => {
    expect(percentOfCents(199125, '10')).toBe(19913);
  });

  it('rounds negative halves away from zero too', () => {
    expect(percentOfCents(-199125, '10')).toBe(-19913);
    expect(percentOfCents(-5, '10')).toBe(-1); // -0.5 → -1
    expect(percentOfCents(-4, '10')).toBe(0); // -0.4 → 0, never -0
    expect(Object.is(percentOfCents(-4, '10'), 0)).toBe(true);
  });

  it('takes exact decimal percentages', () => {
    expect(percentOfCents(1000000, '7.5')).toBe(75000);
    expect(percentOfCents(333, '33.3333')).toBe(111); // 110.9998...
    expect(percentOfCents(Number.MAX_SAFE_INTEGER, '100')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses percentages above 100, negative or with more than 4 decimals, and non-integer cents', () => {
    expect(() => percentOfCents(100, '100.01')).toThrow(/at most 100/);
    expect(() => percentOfCents(100, '-1')).toThrow(/negative/);
    expect(() => percentOfCents(100, '1.00001')).toThrow(/decimal places/);
    expect(() => percentOfCents(1.5, '10')).toThrow(MoneyError);
  });
});

describe('decimal strings', () => {
  it('parses plain notation only', () => {
    expect(parseDecimal('12.5', decimalRules.quantity).toFixed()).toBe('12.5');
    for (const bad of ['', '.5', '5.', '+1', '1e2', ' 1', '1,5', 'NaN', 'Infinity', '0x10']) {
      expect(decimalProblem(bad, decimalRules.quantity), bad).toMatch(/decimal number/);
    }
  });

  it('allows negatives only where the rule says (change-order deltas)', () => {
    expect(decimalProblem('-2.5', decimalRules.quantity)).toBe('must not be negative');
    expect(decimalProblem('-2.5', decimalRules.quantityDelta)).toBeUndefined();
    expect(decimalProblem('-0', decimalRules.quantity)).toBeUndefined();
  });

  it('normalizes to a canonical form', () => {
    expect(normalizeDecimal('012.50', decimalRules.quantity)).toBe('12.5');
    expect(normalizeDecimal('-0.0', decimalRules.quantityDelta)).toBe('0');
    expect(normalizeDecimal('100.0000', decimalRules.percent)).toBe('100');
    expect(addDecimals('12.5', '-2.75')).toBe('9.75');
    expect(addDecimals('2.5', '-2.5')).toBe('0');
  });
});

describe('sums of cents', () => {
  it('adds exactly, negatives included', () => {
    expect(sumCents([154313, 9999, -2500])).toBe(161812);
    expect(sumCents([])).toBe(0);
    expect(addCents(Number.MAX_SAFE_INTEGER - 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses results beyond Number.MAX_SAFE_INTEGER and non-integer cents', () => {
    expect(() => addCents(Number.MAX_SAFE_INTEGER, 1)).toThrow(MoneyError);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(/exact range/);
    expect(() => sumCents([0.5])).toThrow(MoneyError);
  });

  it('formats cents for people', () => {
    expect(formatCents(154313)).toBe('1543.13');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(0)).toBe('0.00');
  });
});
