/**
 * Australian public holidays by state or territory, from the date-holidays project's data
 * (CC-BY-SA-3.0): the only file that loads it. Lambda bundles carry the parser and the AU data
 * alone (au-holidays.data.json, extracted from the `date-holidays` package: ~50 kB instead of
 * every country's). Regenerate after upgrading date-holidays; the unit test says when:
 *   node --input-type=module -e "import{data}from'date-holidays/data';import{writeFileSync}from'node:fs';writeFileSync('shared/domain/au-holidays.data.json',JSON.stringify({version:data.version,license:data.license,holidays:{AU:data.holidays.AU},names:data.names},null,1)+'\n')"
 * Pure: a year in, civil dates out.
 */
import HolidaysParser from 'date-holidays-parser';
import auHolidayData from './au-holidays.data.json';

import type { AuJurisdiction } from './au-jurisdictions';

export interface PublicHoliday {
  date: string;
  name: string;
}

const parsers = new Map<AuJurisdiction, InstanceType<typeof HolidaysParser>>();
const byYear = new Map<string, PublicHoliday[]>();

/**
 * The whole-day public holidays of a state or territory in a year (statewide ones; part-day
 * holidays such as QLD's Christmas Eve evening do not close a business day).
 */
export function auPublicHolidays(jurisdiction: AuJurisdiction, year: number): PublicHoliday[] {
  const key = `${jurisdiction}:${year}`;
  const cached = byYear.get(key);
  if (cached) return cached;
  let parser = parsers.get(jurisdiction);
  if (!parser) {
    parser = new HolidaysParser(auHolidayData, 'AU', jurisdiction);
    parsers.set(jurisdiction, parser);
  }
  const holidays = parser
    .getHolidays(year, 'en')
    .filter((h) => h.type === 'public' && h.date.endsWith(' 00:00:00'))
    .map((h) => ({ date: h.date.slice(0, 10), name: h.name }));
  byYear.set(key, holidays);
  return holidays;
}

/** The public holiday on a date in a state or territory, if any. */
export function auPublicHoliday(jurisdiction: AuJurisdiction, date: string): PublicHoliday | undefined {
  return auPublicHolidays(jurisdiction, Number(date.slice(0, 4))).find((h) => h.date === date);
}
