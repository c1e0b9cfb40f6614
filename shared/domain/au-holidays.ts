/**
 * Australian public holidays by state or territory: the only file that loads them. They come
 * from a table (au-holidays.table.json) built from the date-holidays project's data (CC-BY-SA-3.0)
 * by infra/tools/au-holidays-table.ts, so Lambda bundles carry ≈ 30 KB of dates instead of the
 * parser with moment-timezone and astronomia. Pure: a year in, civil dates out.
 */
import table from './au-holidays.table.json';

import type { AuJurisdiction } from './au-jurisdictions';

export interface AuHolidayTable {
  /** The data the table was built from: package, version and licence. */
  source: string;
  /** First and last year covered. */
  years: number[];
  names: string[];
  /** Per state, per year: "MMDD.nameIndex" entries separated by spaces, in date order. */
  holidays: Partial<Record<AuJurisdiction, Record<string, string>>>;
}

export interface PublicHoliday {
  date: string;
  name: string;
}

const auHolidayTable = table as AuHolidayTable;
const byYear = new Map<string, PublicHoliday[]>();

/**
 * The whole-day public holidays of a state or territory in a year (statewide ones; part-day
 * holidays such as QLD's Christmas Eve evening do not close a business day).
 */
export function auPublicHolidays(jurisdiction: AuJurisdiction, year: number): PublicHoliday[] {
  const key = `${jurisdiction}:${year}`;
  const cached = byYear.get(key);
  if (cached) return cached;
  const [from, to] = auHolidayTable.years;
  const entries = auHolidayTable.holidays[jurisdiction]?.[year];
  if (entries === undefined) throw new RangeError(`Public holidays are known for ${from}–${to}, not ${year}`);
  const holidays = entries
    .split(' ')
    .filter(Boolean)
    .map((entry) => ({ date: `${year}-${entry.slice(0, 2)}-${entry.slice(2, 4)}`, name: auHolidayTable.names[Number(entry.slice(5))]! }));
  byYear.set(key, holidays);
  return holidays;
}

/** The public holiday on a date in a state or territory, if any. */
export function auPublicHoliday(jurisdiction: AuJurisdiction, date: string): PublicHoliday | undefined {
  return auPublicHolidays(jurisdiction, Number(date.slice(0, 4))).find((h) => h.date === date);
}
