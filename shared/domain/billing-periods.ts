/**
 * Billing periods as calendar dates: the automatic periods a project's settings produce, the
 * instant a period opens in the project's time zone, and the rules every period keeps (start ≤
 * end, due on or after start, no overlaps). Pure: no clock (`now` is passed in), no I/O.
 *
 * Dates are `YYYY-MM-DD` strings, which compare correctly as strings. Day arithmetic is done on
 * day numbers (days since 1970-01-01), never on local `Date`s, so the host's zone plays no part.
 */

import type { billingFrequencies } from './project-settings';

export const billingPeriodStatuses = ['open', 'closed'] as const;
/** `automatic`: opened by the billing cycle from the project's settings. */
export const billingPeriodSources = ['manual', 'automatic'] as const;

export type CalendarDate = string;
export type BillingFrequency = (typeof billingFrequencies)[number];

/** What the automatic periods depend on (the project's `billingPeriods` settings). */
export interface AutomaticPeriodSettings {
  frequency: BillingFrequency;
  /** Monthly: day of the month, 1–31 (clamped to the month's length). Weekly: ISO weekday, 1 (Monday) – 7. */
  startDay: number;
  /** As startDay; monthly 31 = the month's last day. Before startDay: the period ends in the next month (week). */
  endDay: number;
  /** As startDay; before startDay: the due date falls in the next month (week). */
  dueDay: number;
}

export interface PeriodDates {
  startDate: CalendarDate;
  endDate: CalendarDate;
  dueDate: CalendarDate;
}

// ---------------------------------------------------------------------------------------------
// Calendar dates

const dayMs = 86_400_000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written `YYYY-MM-DD` (not 2027-02-29, not 2027-1-5). */
export function isCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Days in `month` (1–12) of `year`, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(date: CalendarDate): { year: number; month: number; day: number } {
  const match = datePattern.exec(date);
  if (!match) throw new Error(`not a calendar date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

const dayNumber = (date: CalendarDate): number => {
  const { year, month, day } = parts(date);
  return Date.UTC(year, month - 1, day) / dayMs;
};
const fromDayNumber = (days: number): CalendarDate => new Date(days * dayMs).toISOString().slice(0, 10);
const dateOf = (year: number, month: number, day: number): CalendarDate =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export const addDays = (date: CalendarDate, days: number): CalendarDate => fromDayNumber(dayNumber(date) + days);

/** 1 = Monday … 7 = Sunday (1970-01-01, day 0, was a Thursday). */
export const isoWeekday = (date: CalendarDate): number => ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;

const laterOf = (a: CalendarDate, b: CalendarDate): CalendarDate => (a > b ? a : b);

// ---------------------------------------------------------------------------------------------
// Time zones (Intl offsets: no time-zone library)

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at `instantMs`, as if it were UTC (milliseconds). */
function wallClockMs(instantMs: number, timeZone: string): number {
  const field: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') field[part.type] = Number(part.value);
  }
  return Date.UTC(field.year!, field.month! - 1, field.day!, field.hour!, field.minute!, field.second!);
}

/** The zone's offset from UTC at an instant (whole seconds: historical offsets like +10:04:52 included). */
const offsetMs = (instantMs: number, timeZone: string): number =>
  wallClockMs(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;

/** The calendar date in `timeZone` at `instant`. */
export function localDate(instant: Date, timeZone: string): CalendarDate {
  return fromDayNumber(Math.floor(wallClockMs(instant.getTime(), timeZone) / dayMs));
}

/**
 * The first instant of `date` in `timeZone`: local midnight, or — where a daylight-saving change
 * skips midnight (clocks jump from 00:00 to 01:00) — the moment the day begins. The offset in
 * force at that instant is one of the offsets within a day either side, so each is tried and the
 * earliest candidate that falls on `date` wins.
 */
export function startOfLocalDay(date: CalendarDate, timeZone: string): Date {
  const midnightAsUtc = dayNumber(date) * dayMs;
  const candidates = [midnightAsUtc - dayMs, midnightAsUtc, midnightAsUtc + dayMs]
    .map((probe) => midnightAsUtc - offsetMs(probe, timeZone))
    .filter((instant) => localDate(new Date(instant), timeZone) === date)
    .sort((a, b) => a - b);
  // A date the zone skipped altogether (Samoa, 2011-12-30) begins when the next one does.
  return candidates.length ? new Date(candidates[0]!) : startOfLocalDay(addDays(date, 1), timeZone);
}

// ---------------------------------------------------------------------------------------------
// Automatic periods

/** The period the settings give the month `year`-`month`: start, end and due days clamped to their months. */
export function monthlyPeriod(settings: AutomaticPeriodSettings, year: number, month: number): PeriodDates {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const on = (m: { year: number; month: number }, day: number) => dateOf(m.year, m.month, Math.min(day, daysInMonth(m.year, m.month)));
  const own = { year, month };
  return {
    startDate: on(own, settings.startDay),
    endDate: on(settings.endDay >= settings.startDay ? own : next, settings.endDay),
    dueDate: on(settings.dueDay >= settings.startDay ? own : next, settings.dueDay),
  };
}

/** The weekly period starting on `startDate` (an ISO weekday `startDay`): it ends on the next `endDay`, due on the next `dueDay`. */
export function weeklyPeriod(settings: AutomaticPeriodSettings, startDate: CalendarDate): PeriodDates {
  const daysTo = (weekday: number) => (((weekday - settings.startDay) % 7) + 7) % 7;
  return {
    startDate,
    endDate: addDays(startDate, daysTo(settings.endDay)),
    dueDate: addDays(startDate, daysTo(settings.dueDay)),
  };
}

/** The settings' periods in date order, starting with one that begins on or before `date`. */
function* settingsPeriodsFrom(settings: AutomaticPeriodSettings, date: CalendarDate): Generator<PeriodDates> {
  if (settings.frequency === 'weekly') {
    const back = (((isoWeekday(date) - settings.startDay) % 7) + 7) % 7;
    for (let start = addDays(date, -back); ; start = addDays(start, 7)) yield weeklyPeriod(settings, start);
  } else {
    // A month's period may end in the next month, so the month before `date` comes first.
    let { year, month } = parts(date);
    month -= 1;
    if (month === 0) [year, month] = [year - 1, 12];
    for (;;) {
      yield monthlyPeriod(settings, year, month);
      if (++month === 13) [year, month] = [year + 1, 1];
    }
  }
}

/**
 * The next automatic period, or undefined when the frequency is `never`.
 * - After a latest period: it starts the day after that period ends and ends where the settings'
 *   period containing that day ends (a manual period that ended mid-month leaves the month's rest);
 *   where the settings leave a gap (e.g. 1st–15th), it starts with the next settings period.
 * - Without any period yet: the settings period containing `today` (it may have begun already),
 *   or the next one when `today` falls in a gap.
 * The due date is the settings' due date, never before the start.
 */
export function nextAutomaticPeriod(
  settings: AutomaticPeriodSettings,
  context: { latestEndDate?: CalendarDate; today: CalendarDate },
): PeriodDates | undefined {
  if (settings.frequency === 'never') return undefined;
  const from = context.latestEndDate ? addDays(context.latestEndDate, 1) : context.today;
  for (const period of settingsPeriodsFrom(settings, from)) {
    if (period.endDate < from) continue;
    if (!context.latestEndDate) return period;
    const startDate = laterOf(period.startDate, from);
    return { startDate, endDate: period.endDate, dueDate: laterOf(period.dueDate, startDate) };
  }
  return undefined; // unreachable: the generator never ends
}

/**
 * When the next automatic period opens: local midnight of its start date in the project's zone,
 * as an ISO instant (UTC). Undefined when the frequency is `never`.
 */
export function nextBillingPeriodAt(
  settings: AutomaticPeriodSettings,
  timeZone: string,
  latestEndDate: CalendarDate | undefined,
  now: Date,
): string | undefined {
  const next = nextAutomaticPeriod(settings, { latestEndDate, today: localDate(now, timeZone) });
  return next && startOfLocalDay(next.startDate, timeZone).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Rules every period keeps

export interface DateProblem {
  field: keyof PeriodDates;
  message: string;
}

/** The fields that break start ≤ end and due ≥ start (the dates themselves are already real dates). */
export function periodDateProblems(dates: PeriodDates): DateProblem[] {
  const problems: DateProblem[] = [];
  if (dates.endDate < dates.startDate) {
    problems.push({ field: 'endDate', message: `The end date ${dates.endDate} is before the start date ${dates.startDate}.` });
  }
  if (dates.dueDate < dates.startDate) {
    problems.push({ field: 'dueDate', message: `The due date ${dates.dueDate} is before the start date ${dates.startDate}; it must be on or after it.` });
  }
  return problems;
}

/** A stored period as the placement rules see it. */
export interface PlacedPeriod {
  billingPeriodId: string;
  position: number;
  startDate: CalendarDate;
  endDate: CalendarDate;
}

const label = (p: PlacedPeriod) => `period ${p.position} (${p.startDate} – ${p.endDate})`;
const overlaps = (a: { startDate: string; endDate: string }, b: { startDate: string; endDate: string }) =>
  a.startDate <= b.endDate && b.startDate <= a.endDate;

/**
 * Why `range` cannot be placed among `periods` (sorted by start date), or undefined when it can.
 * A duplicate or overlapping range is refused; so is a new period that does not come after the
 * latest one (positions follow date order), or an edit that moves a period past a neighbour.
 * `editing`: the id of the period being changed, left out of the comparison.
 */
export function placementConflict(
  periods: readonly PlacedPeriod[],
  range: { startDate: CalendarDate; endDate: CalendarDate },
  editing?: string,
): string | undefined {
  const others = periods.filter((p) => p.billingPeriodId !== editing);
  const what = `${range.startDate} – ${range.endDate}`;
  const duplicate = others.find((p) => p.startDate === range.startDate && p.endDate === range.endDate);
  if (duplicate) return `A billing period ${what} already exists: ${label(duplicate)}.`;
  const clash = others.find((p) => overlaps(p, range));
  if (clash) return `The billing period ${what} overlaps ${label(clash)}; billing periods never overlap.`;

  if (editing === undefined) {
    const latest = others.at(-1);
    if (latest && range.startDate <= latest.endDate) {
      return `A new billing period must start after the latest one, ${label(latest)}; ${what} does not.`;
    }
    return undefined;
  }
  const index = periods.findIndex((p) => p.billingPeriodId === editing);
  const before = periods[index - 1];
  const after = periods[index + 1];
  if (before && range.startDate <= before.endDate) return `The billing period ${what} would move before ${label(before)}.`;
  if (after && range.endDate >= after.startDate) return `The billing period ${what} would move past ${label(after)}.`;
  return undefined;
}
