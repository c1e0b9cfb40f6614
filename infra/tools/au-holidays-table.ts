/**
 * Builds shared/domain/au-holidays.table.json: every whole-day public holiday of each Australian
 * state and territory for the years the product computes deadlines in, from the date-holidays
 * project's data (CC-BY-SA-3.0) through date-holidays-parser. Lambda bundles then carry this
 * table (≈ 30 KB) instead of the parser with moment-timezone and astronomia (≈ 900 KB).
 * Run `npm run holidays:table` after upgrading date-holidays; test/unit/au-payment-schedules.test.ts
 * fails while the committed table differs from what the installed data gives.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import HolidaysParser from 'date-holidays-parser';
import { data } from 'date-holidays/data';
import { auJurisdictions } from '../../shared/domain/au-jurisdictions';
import type { AuHolidayTable } from '../../shared/domain/au-holidays';

/** The years covered: deadlines are weeks after a claim, so this leaves decades either side of today. */
export const auHolidayYears = { from: 2015, to: 2060 } as const;

export function buildAuHolidayTable(): AuHolidayTable {
  const names: string[] = [];
  const nameIndex = (name: string) => {
    const at = names.indexOf(name);
    return at >= 0 ? at : names.push(name) - 1;
  };
  const holidays: AuHolidayTable['holidays'] = {};
  for (const jurisdiction of auJurisdictions) {
    const parser = new HolidaysParser(data, 'AU', jurisdiction);
    const byYear: Record<string, string> = {};
    for (let year = auHolidayYears.from; year <= auHolidayYears.to; year++) {
      byYear[year] = parser
        .getHolidays(year, 'en')
        // Whole days only: a part-day holiday (QLD's Christmas Eve from 6 pm) closes no business day.
        .filter((h) => h.type === 'public' && h.date.endsWith(' 00:00:00'))
        .map((h) => `${h.date.slice(5, 7)}${h.date.slice(8, 10)}.${nameIndex(h.name)}`)
        .join(' ');
    }
    holidays[jurisdiction] = byYear;
  }
  return { source: `date-holidays ${data.version} (${data.license})`, years: [auHolidayYears.from, auHolidayYears.to], names, holidays };
}

export const auHolidayTablePath = fileURLToPath(new URL('../../shared/domain/au-holidays.table.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(auHolidayTablePath, `${JSON.stringify(buildAuHolidayTable())}\n`);
  process.stdout.write(`wrote ${auHolidayTablePath}\n`);
}
