import { describe, expect, it } from 'vitest';
import {
  addDays,
  isCalendarDate,
  isoWeekday,
  localDate,
  monthlyPeriod,
  nextAutomaticPeriod,
  nextBillingPeriodAt,
  periodDateProblems,
  placementConflict,
  startOfLocalDay,
  type AutomaticPeriodSettings,
  type PeriodDates,
} from '../../shared/domain/billing-periods';

/** Billing periods as calendar dates: the automatic periods the settings produce, and when they open. */

const monthly = (startDay: number, endDay: number, dueDay: number): AutomaticPeriodSettings => ({ frequency: 'monthly', startDay, endDay, dueDay });
const weekly = (startDay: number, endDay: number, dueDay: number): AutomaticPeriodSettings => ({ frequency: 'weekly', startDay, endDay, dueDay });

/** The first period for `today`, then `count - 1` more, each after the one before. */
function sequence(settings: AutomaticPeriodSettings, today: string, count: number): PeriodDates[] {
  const periods: PeriodDates[] = [];
  for (let i = 0; i < count; i++) {
    const next = nextAutomaticPeriod(settings, { latestEndDate: periods.at(-1)?.endDate, today });
    periods.push(next!);
  }
  return periods;
}
const period = (startDate: string, endDate: string, dueDate: string): PeriodDates => ({ startDate, endDate, dueDate });

describe('calendar dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    for (const good of ['2027-01-31', '2028-02-29', '2000-02-29', '2027-12-31']) expect(isCalendarDate(good), good).toBe(true);
    for (const bad of ['2027-02-29', '1900-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-1-5', '27-01-05', '2027-01-05T00:00', '']) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
  });

  it('adds days across months and years, and knows ISO weekdays', () => {
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(isoWeekday('2027-01-04')).toBe(1); // a Monday
    expect(isoWeekday('2027-01-03')).toBe(7);
    expect(isoWeekday('1970-01-01')).toBe(4);
  });
});

describe('monthly periods', () => {
  it('acceptance: start 1st, end 31st, due 25th for a project whose today is 2027-01-15 → Jan, Feb, Mar; Feb 2028 has 29 days', () => {
    const periods = sequence(monthly(1, 31, 25), '2027-01-15', 14);
    expect(periods.slice(0, 3)).toEqual([
      period('2027-01-01', '2027-01-31', '2027-01-25'),
      period('2027-02-01', '2027-02-28', '2027-02-25'),
      period('2027-03-01', '2027-03-31', '2027-03-25'),
    ]);
    expect(periods[13]).toEqual(period('2028-02-01', '2028-02-29', '2028-02-25'));
  });

  it('ends on the 31st as the last day of 30-day months and of February, leap or not', () => {
    const settings = monthly(1, 31, 25);
    expect(monthlyPeriod(settings, 2027, 4)).toEqual(period('2027-04-01', '2027-04-30', '2027-04-25'));
    expect(monthlyPeriod(settings, 2027, 6).endDate).toBe('2027-06-30');
    expect(monthlyPeriod(settings, 2027, 9).endDate).toBe('2027-09-30');
    expect(monthlyPeriod(settings, 2027, 11).endDate).toBe('2027-11-30');
    expect(monthlyPeriod(settings, 2027, 2).endDate).toBe('2027-02-28');
    expect(monthlyPeriod(settings, 2028, 2).endDate).toBe('2028-02-29');
    expect(monthlyPeriod(settings, 2100, 2).endDate).toBe('2100-02-28'); // not a leap year
    expect(monthlyPeriod(settings, 2000, 2).endDate).toBe('2000-02-29');
    // Each month's period starts the day after the one before ends: no gaps, no overlaps, all year.
    const year = sequence(settings, '2027-01-01', 24);
    for (let i = 1; i < year.length; i++) expect(year[i]!.startDate).toBe(addDays(year[i - 1]!.endDate, 1));
  });

  it('spans two months when the end day comes before the start day', () => {
    expect(sequence(monthly(26, 25, 5), '2027-01-10', 3)).toEqual([
      period('2026-12-26', '2027-01-25', '2027-01-05'),
      period('2027-01-26', '2027-02-25', '2027-02-05'),
      period('2027-02-26', '2027-03-25', '2027-03-05'),
    ]);
    // Today after the 25th: the period that started this month.
    expect(sequence(monthly(26, 25, 5), '2027-01-27', 1)).toEqual([period('2027-01-26', '2027-02-25', '2027-02-05')]);
    // 16th to 15th across a leap February: each period starts the day after the one before.
    expect(sequence(monthly(16, 15, 20), '2028-01-20', 2)).toEqual([
      period('2028-01-16', '2028-02-15', '2028-01-20'),
      period('2028-02-16', '2028-03-15', '2028-02-20'),
    ]);
  });

  it('clamps the due day to the month, in the next month when it comes before the start day', () => {
    expect(monthlyPeriod(monthly(1, 31, 31), 2027, 2).dueDate).toBe('2027-02-28');
    expect(monthlyPeriod(monthly(1, 31, 30), 2028, 2).dueDate).toBe('2028-02-29');
    expect(monthlyPeriod(monthly(1, 31, 31), 2027, 4).dueDate).toBe('2027-04-30');
    expect(monthlyPeriod(monthly(20, 19, 10), 2027, 1)).toEqual(period('2027-01-20', '2027-02-19', '2027-02-10'));
    expect(monthlyPeriod(monthly(15, 14, 31), 2027, 1)).toEqual(period('2027-01-15', '2027-02-14', '2027-01-31'));
    expect(monthlyPeriod(monthly(20, 19, 31), 2027, 1).dueDate).toBe('2027-01-31');
    expect(monthlyPeriod(monthly(5, 4, 3), 2027, 1).dueDate).toBe('2027-02-03');
  });

  it('after a manual period that ended mid-month, covers the rest of that month; gaps in the settings are kept', () => {
    expect(nextAutomaticPeriod(monthly(1, 31, 25), { latestEndDate: '2027-01-20', today: '2027-01-20' })).toEqual(
      period('2027-01-21', '2027-01-31', '2027-01-25'),
    );
    // The due day passed before the rest begins: due on its first day.
    expect(nextAutomaticPeriod(monthly(1, 31, 25), { latestEndDate: '2027-01-27', today: '2027-01-27' })).toEqual(
      period('2027-01-28', '2027-01-31', '2027-01-28'),
    );
    // 1st–15th only: the 16th–31st is not billed.
    expect(sequence(monthly(1, 15, 10), '2027-01-20', 2)).toEqual([
      period('2027-02-01', '2027-02-15', '2027-02-10'),
      period('2027-03-01', '2027-03-15', '2027-03-10'),
    ]);
  });

  it('produces nothing for `never`', () => {
    expect(nextAutomaticPeriod({ frequency: 'never', startDay: 1, endDay: 31, dueDay: 25 }, { today: '2027-01-15' })).toBeUndefined();
    expect(nextBillingPeriodAt({ frequency: 'never', startDay: 1, endDay: 31, dueDay: 25 }, 'UTC', undefined, new Date())).toBeUndefined();
  });
});

describe('weekly periods', () => {
  it('runs Monday to Sunday, due Friday, week after week across a year boundary', () => {
    // 2027-12-29 is a Wednesday: the week of Monday 27 December.
    expect(sequence(weekly(1, 7, 5), '2027-12-29', 4)).toEqual([
      period('2027-12-27', '2028-01-02', '2027-12-31'),
      period('2028-01-03', '2028-01-09', '2028-01-07'),
      period('2028-01-10', '2028-01-16', '2028-01-14'),
      period('2028-01-17', '2028-01-23', '2028-01-21'),
    ]);
  });

  it('starts on any weekday; the due day may fall after the start weekday, into the next week', () => {
    // Thursday to Wednesday, due Monday (the 5th day).
    expect(sequence(weekly(4, 3, 1), '2027-01-01', 3)).toEqual([
      period('2026-12-31', '2027-01-06', '2027-01-04'),
      period('2027-01-07', '2027-01-13', '2027-01-11'),
      period('2027-01-14', '2027-01-20', '2027-01-18'),
    ]);
    // Today is the start weekday: its own week.
    expect(sequence(weekly(4, 3, 1), '2027-01-07', 1)[0]!.startDate).toBe('2027-01-07');
    for (const p of sequence(weekly(7, 6, 3), '2027-06-15', 10)) {
      expect(isoWeekday(p.startDate)).toBe(7);
      expect(isoWeekday(p.endDate)).toBe(6);
      expect(addDays(p.startDate, 6)).toBe(p.endDate);
    }
  });
});

describe('time zones', () => {
  it('knows the local date of an instant', () => {
    expect(localDate(new Date('2027-01-31T12:59:59Z'), 'Australia/Sydney')).toBe('2027-01-31');
    expect(localDate(new Date('2027-01-31T13:00:00Z'), 'Australia/Sydney')).toBe('2027-02-01');
    expect(localDate(new Date('2027-01-01T04:59:59Z'), 'America/New_York')).toBe('2026-12-31');
  });

  it('opens a period at local midnight of its start date, on both sides of daylight-saving changes', () => {
    const midnight = (date: string, zone: string) => startOfLocalDay(date, zone).toISOString();
    // Sydney: AEDT (+11) ends on 2027-04-04 at 03:00, AEST (+10) ends on 2027-10-03 at 02:00.
    expect(midnight('2027-02-01', 'Australia/Sydney')).toBe('2027-01-31T13:00:00.000Z');
    expect(midnight('2027-04-04', 'Australia/Sydney')).toBe('2027-04-03T13:00:00.000Z');
    expect(midnight('2027-04-05', 'Australia/Sydney')).toBe('2027-04-04T14:00:00.000Z');
    expect(midnight('2027-10-03', 'Australia/Sydney')).toBe('2027-10-02T14:00:00.000Z');
    expect(midnight('2027-10-04', 'Australia/Sydney')).toBe('2027-10-03T13:00:00.000Z');
    // New York: EDT from 2027-03-14 02:00, EST from 2027-11-07 02:00.
    expect(midnight('2027-03-14', 'America/New_York')).toBe('2027-03-14T05:00:00.000Z');
    expect(midnight('2027-03-15', 'America/New_York')).toBe('2027-03-15T04:00:00.000Z');
    expect(midnight('2027-11-07', 'America/New_York')).toBe('2027-11-07T04:00:00.000Z');
    expect(midnight('2027-11-08', 'America/New_York')).toBe('2027-11-08T05:00:00.000Z');
    // Offsets that are not whole hours.
    expect(midnight('2027-01-01', 'Asia/Kolkata')).toBe('2026-12-31T18:30:00.000Z');
    expect(midnight('2027-01-01', 'Pacific/Chatham')).toBe('2026-12-31T10:15:00.000Z');
  });

  it('starts a day whose midnight a daylight-saving change skipped when the day begins', () => {
    // São Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04: the day began at 01:00 (-02).
    expect(startOfLocalDay('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    // Samoa skipped 2011-12-30 altogether: a period starting then opens when the 31st begins.
    expect(startOfLocalDay('2011-12-30', 'Pacific/Apia').toISOString()).toBe(startOfLocalDay('2011-12-31', 'Pacific/Apia').toISOString());
  });

  it('acceptance instants: Sydney monthly periods open at local midnight, in AEDT and in AEST', () => {
    const settings = monthly(1, 31, 25);
    const zone = 'Australia/Sydney';
    const created = new Date('2027-01-15T01:00:00Z');
    expect(nextBillingPeriodAt(settings, zone, undefined, created)).toBe('2026-12-31T13:00:00.000Z'); // Jan 1, already begun
    expect(nextBillingPeriodAt(settings, zone, '2027-01-31', created)).toBe('2027-01-31T13:00:00.000Z');
    expect(nextBillingPeriodAt(settings, zone, '2027-04-30', created)).toBe('2027-04-30T14:00:00.000Z'); // AEST
  });
});

describe('period rules', () => {
  it('names the dates that break start ≤ end and due ≥ start', () => {
    expect(periodDateProblems(period('2027-01-01', '2027-01-31', '2027-01-25'))).toEqual([]);
    expect(periodDateProblems(period('2027-01-01', '2027-01-01', '2027-01-01'))).toEqual([]);
    expect(periodDateProblems(period('2027-01-01', '2027-03-31', '2027-04-10'))).toEqual([]); // due after the end: allowed
    const problems = periodDateProblems(period('2027-02-01', '2027-01-31', '2027-01-25'));
    expect(problems.map((p) => p.field)).toEqual(['endDate', 'dueDate']);
    expect(problems[1]!.message).toContain('2027-01-25');
  });

  const existing = [
    { billingPeriodId: 'a', position: 1, startDate: '2027-01-01', endDate: '2027-01-31' },
    { billingPeriodId: 'b', position: 2, startDate: '2027-02-01', endDate: '2027-02-28' },
    { billingPeriodId: 'c', position: 3, startDate: '2027-03-01', endDate: '2027-03-31' },
  ];

  it('refuses duplicates, overlaps and new periods before the latest, naming the dates', () => {
    expect(placementConflict(existing, { startDate: '2027-04-01', endDate: '2027-04-30' })).toBeUndefined();
    expect(placementConflict(existing, { startDate: '2027-02-01', endDate: '2027-02-28' })).toMatch(/2027-02-01 – 2027-02-28 already exists: period 2/);
    expect(placementConflict(existing, { startDate: '2027-03-15', endDate: '2027-04-15' })).toMatch(/overlaps period 3 \(2027-03-01 – 2027-03-31\)/);
    expect(placementConflict([existing[0]!, existing[2]!], { startDate: '2027-02-01', endDate: '2027-02-28' })).toMatch(/after the latest one, period 3/);
    expect(placementConflict([], { startDate: '2027-02-01', endDate: '2027-02-28' })).toBeUndefined();
  });

  it('lets an edit move a period only between its neighbours', () => {
    expect(placementConflict(existing, { startDate: '2027-02-02', endDate: '2027-02-27' }, 'b')).toBeUndefined();
    expect(placementConflict(existing, { startDate: '2027-01-31', endDate: '2027-02-28' }, 'b')).toMatch(/overlaps period 1/);
    expect(placementConflict(existing, { startDate: '2027-04-01', endDate: '2027-04-30' }, 'b')).toMatch(/move past period 3/);
    expect(placementConflict(existing, { startDate: '2027-04-01', endDate: '2027-04-30' }, 'c')).toBeUndefined();
  });
});
