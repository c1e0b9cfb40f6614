/**
 * Australian public holidays by state or territory: the only file that loads them. They come
 * from a table (au-holidays.table.json) built from the date-holidays project's data (CC-BY-SA-3.0)
 * by infra/tools/au-holidays-table.ts, which writes each holiday as the rules that give its dates
 * (a fixed day, days from Easter Sunday, a weekday on or after a day, a day moved or added by the
 * weekday it falls on) over the years they hold, and lists only the dates no rule gives (one-offs): ≈ 6 KB in a
 * bundle instead of every date (37 KB) or the parser with moment-timezone and astronomia.
 * A unit test holds every answer, per state and year, to date-holidays'. Pure: a year in, civil dates out.
 */
import table from './au-holidays.table.json';

import type { AuJurisdiction } from './au-jurisdictions';

/**
 * One holiday of a state: its name, then the rules that give its dates. A rule is "YYYY-MM-DD" that date
 * (a one-off); "MMDD" that day; "MMDD>w" the first weekday w (0 Sunday … 6 Saturday) on or after it;
 * "MMDD:ooooooo" by the weekday that day falls on (Sunday first), the days after it the holiday is, or
 * "-" for no holiday that year ("0126:1000002": a Sunday's moves to Monday, a Saturday's too; "1227:-00----":
 * the 27th when it is a Monday or Tuesday, i.e. when Christmas Day is on the weekend); "E+n" / "E-n" n days
 * after / before Easter Sunday. Each but a one-off may end in " YYYY-YYYY", the years it holds in (every
 * year of the table when absent).
 */
export type AuHolidayEntry = [name: string, ...rules: string[]];

export interface AuHolidayTable {
  /** The data the table was built from: package, version and licence. */
  source: string;
  /** First and last year covered. */
  years: number[];
  /** Per state, its holidays, in the order date-holidays lists two holidays that fall on the same day. */
  holidays: Partial<Record<AuJurisdiction, AuHolidayEntry[]>>;
}

export interface PublicHoliday {
  date: string;
  name: string;
}

const auHolidayTable = table as AuHolidayTable;
const byYear = new Map<string, PublicHoliday[]>();

const isoDate = (utc: Date): string => utc.toISOString().slice(0, 10);

/** Easter Sunday of a Gregorian year (the anonymous algorithm, as in Meeus). */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const g = Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3);
  const h = (19 * a + b - Math.floor(b / 4) - g + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

/** The date a rule of the table gives in a year, or undefined when the rule does not hold that year. */
export function auHolidayRuleDate(rule: string, year: number): string | undefined {
  if (rule[4] === '-') return rule.startsWith(`${year}-`) ? rule : undefined;
  const [what, years] = rule.split(' ') as [string, string | undefined];
  if (years !== undefined) {
    const [from, to] = years.split('-').map(Number) as [number, number];
    if (year < from || year > to) return undefined;
  }
  if (what.startsWith('E')) {
    const easter = easterSunday(year);
    easter.setUTCDate(easter.getUTCDate() + Number(what.slice(1)));
    return isoDate(easter);
  }
  const day = new Date(Date.UTC(year, Number(what.slice(0, 2)) - 1, Number(what.slice(2, 4))));
  if (what[4] === '>') day.setUTCDate(day.getUTCDate() + ((Number(what.slice(5)) - day.getUTCDay() + 7) % 7));
  if (what[4] === ':') {
    const offset = what[5 + day.getUTCDay()];
    if (offset === '-') return undefined;
    day.setUTCDate(day.getUTCDate() + Number(offset));
  }
  return isoDate(day);
}

/**
 * The whole-day public holidays of a state or territory in a year (statewide ones; part-day
 * holidays such as QLD's Christmas Eve evening do not close a business day), in date order.
 */
export function auPublicHolidays(jurisdiction: AuJurisdiction, year: number): PublicHoliday[] {
  const key = `${jurisdiction}:${year}`;
  const cached = byYear.get(key);
  if (cached) return cached;
  const [from, to] = auHolidayTable.years as [number, number];
  const entries = auHolidayTable.holidays[jurisdiction];
  if (entries === undefined || year < from || year > to) throw new RangeError(`Public holidays are known for ${from}–${to}, not ${year}`);
  const holidays: PublicHoliday[] = [];
  for (const [name, ...rules] of entries) {
    for (const rule of rules) {
      const date = auHolidayRuleDate(rule, year);
      if (date !== undefined) holidays.push({ date, name });
    }
  }
  // Stable: two holidays on one day keep the table's order.
  holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  byYear.set(key, holidays);
  return holidays;
}

/** The public holiday on a date in a state or territory, if any. */
export function auPublicHoliday(jurisdiction: AuJurisdiction, date: string): PublicHoliday | undefined {
  return auPublicHolidays(jurisdiction, Number(date.slice(0, 4))).find((h) => h.date === date);
}
