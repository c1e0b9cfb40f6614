/**
 * Builds shared/domain/au-holidays.table.json: every whole-day public holiday of each Australian
 * state and territory for the years the product computes deadlines in, from the date-holidays
 * project's data (CC-BY-SA-3.0) through date-holidays-parser. Lambda bundles then carry this
 * table instead of the parser with moment-timezone and astronomia (≈ 900 KB).
 *
 * The table holds rules, not dates: for each holiday, the rules (a fixed day, days from Easter,
 * a weekday on or after a day, a day moved or added by the weekday it falls on) that give its dates
 * over runs of years, found by trying rules on the dates date-holidays gives, the one giving the
 * most first; dates no rule gives three of are listed as they are. The build checks that the table gives back exactly date-holidays' holidays, in its
 * order, for every state and year, and throws otherwise.
 *
 * Run `npm run holidays:table` after upgrading date-holidays; test/unit/au-payment-schedules.test.ts
 * fails while the committed table differs from what the installed data gives.
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import HolidaysParser from 'date-holidays-parser';
import { data } from 'date-holidays/data';
import { auJurisdictions, type AuJurisdiction } from '../../shared/domain/au-jurisdictions';
import { auHolidayRuleDate, easterSunday, type AuHolidayEntry, type AuHolidayTable, type PublicHoliday } from '../../shared/domain/au-holidays';

/** The years covered: deadlines are weeks after a claim, so this leaves decades either side of today. */
export const auHolidayYears = { from: 2015, to: 2060 } as const;

/** A rule is written only when it gives this many of the holiday's dates; else the dates are listed. */
const shortestRun = 3;

/** The whole-day public holidays date-holidays gives for a state and year, in its order. */
export function dateHolidaysAu(jurisdiction: AuJurisdiction): (year: number) => PublicHoliday[] {
  const parser = new HolidaysParser(data, 'AU', jurisdiction);
  return (year) =>
    parser
      .getHolidays(year, 'en')
      // Whole days only: a part-day holiday (QLD's Christmas Eve from 6 pm) closes no business day.
      .filter((h) => h.type === 'public' && h.date.endsWith(' 00:00:00'))
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name }));
}

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const dayMs = 86_400_000;

interface Candidate {
  rule: string;
  first: number;
  last: number;
  /** How many of the holiday's dates not yet given it gives. */
  gives: number;
}

/** The plainer of two rules: a fixed day, then Easter's, then a weekday on or after a day, then by weekday (the fewest days moved). */
function intricacy(rule: string): number {
  if (rule.startsWith('E')) return 1;
  if (rule[4] === '>') return 2;
  if (rule[4] === ':') return 3 + [...rule.slice(5, 12)].reduce((days, offset) => days + (offset === '-' ? 0 : Number(offset)), 0) / 100;
  return 0;
}

/** The rule giving more dates, or as many and plainer. */
const better = (candidate: Candidate, best: Candidate | undefined) =>
  best === undefined ? candidate.gives >= shortestRun : candidate.gives > best.gives || (candidate.gives === best.gives && intricacy(candidate.rule) < intricacy(best.rule));

/** Days from Easter Sunday: the longest run of years in which this offset gives a date still to give. */
function fromEaster(offset: number, uncovered: Map<number, Set<string>>): Candidate | undefined {
  const rule = `E${offset >= 0 ? '+' : ''}${offset}`;
  const { from, to } = auHolidayYears;
  let best: Candidate | undefined;
  let first = from;
  for (let year = from; year <= to + 1; year++) {
    if (year <= to && uncovered.get(year)?.has(auHolidayRuleDate(rule, year)!)) continue;
    const run = { rule, first, last: year - 1, gives: year - first };
    if (better(run, best)) best = run;
    first = year + 1;
  }
  return best;
}

/**
 * A day of the year (MMDD) and, by the weekday it falls on, the days after it the holiday is or none:
 * the runs of years over which the offsets agree (the earliest date still to give within the week from
 * that day, or none), the run giving the most dates.
 */
function byWeekdayFrom(anchor: string, uncovered: Map<number, Set<string>>): Candidate | undefined {
  const { from, to } = auHolidayYears;
  let best: Candidate | undefined;
  let offsets: Array<number | null | undefined> = [];
  let first = from;
  let gives = 0;
  const close = (last: number) => {
    // A weekday the anchor never fell on in the run may take any offset: the plainest rule is written.
    const seen = Array.from({ length: 7 }, (_, weekday) => offsets[weekday]);
    const weekdays = seen.map((offset) => offset ?? '-').join('');
    const onOrAfter = [0, 1, 2, 3, 4, 5, 6].find((target) => seen.every((offset, weekday) => offset === undefined || offset === (target - weekday + 7) % 7));
    const rule = seen.every((offset) => offset === undefined || offset === 0)
      ? anchor
      : onOrAfter !== undefined
        ? `${anchor}>${onOrAfter}`
        : `${anchor}:${weekdays}`;
    const run = { rule, first, last, gives };
    if (better(run, best)) best = run;
  };
  for (let year = from; year <= to; year++) {
    const day = utc(`${year}-${anchor.slice(0, 2)}-${anchor.slice(2)}`);
    const weekday = day.getUTCDay();
    const offset = [0, 1, 2, 3, 4, 5, 6].find((days) => uncovered.get(year)?.has(isoDay(day.getTime() + days * dayMs))) ?? null;
    if (offsets[weekday] !== undefined && offsets[weekday] !== offset) {
      close(year - 1);
      offsets = [];
      first = year;
      gives = 0;
    }
    offsets[weekday] = offset;
    if (offset !== null) gives++;
  }
  close(to);
  return best;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One holiday's rules and listed dates, from the dates it falls on each year. */
function describe(datesByYear: Map<number, Set<string>>): string[] {
  const { from, to } = auHolidayYears;
  const uncovered = new Map([...datesByYear].map(([year, dates]) => [year, new Set(dates)]));
  const rules: string[] = [];
  for (;;) {
    let best: Candidate | undefined;
    const tried = new Set<string>();
    const consider = (key: string, candidate: () => Candidate | undefined) => {
      if (tried.has(key)) return;
      tried.add(key);
      const found = candidate();
      if (found && better(found, best)) best = found;
    };
    for (const [year, dates] of uncovered) {
      for (const date of dates) {
        const day = utc(date).getTime();
        consider(`E${(day - easterSunday(year).getTime()) / dayMs}`, () => fromEaster(Math.round((day - easterSunday(year).getTime()) / dayMs), uncovered));
        // The seven days up to it, the 1st, 8th, 15th, 22nd first (a rule reads "the second Monday of June").
        const anchors = [0, 1, 2, 3, 4, 5, 6]
          .map((back) => isoDay(day - back * dayMs))
          .filter((anchor) => anchor.startsWith(`${year}-`) && !anchor.endsWith('-02-29'))
          .sort((a, b) => Number(Number(a.slice(8)) % 7 !== 1) - Number(Number(b.slice(8)) % 7 !== 1));
        for (const anchor of anchors) consider(anchor.slice(5), () => byWeekdayFrom(anchor.slice(5, 7) + anchor.slice(8), uncovered));
      }
    }
    if (!best) break;
    const { rule, first, last } = best as Candidate;
    for (let year = first; year <= last; year++) {
      const date = auHolidayRuleDate(rule, year);
      if (date !== undefined) uncovered.get(year)!.delete(date);
    }
    rules.push(first === from && last === to ? rule : `${rule} ${first}-${last}`);
  }
  return [...rules, ...[...uncovered.values()].flatMap((dates) => [...dates]).sort()];
}

/** What the table gives for a state and year: auPublicHolidays without its cache and range check. */
function givenBy(entries: AuHolidayEntry[], year: number): PublicHoliday[] {
  const holidays = entries.flatMap(([name, ...rules]) => rules.flatMap((rule) => auHolidayRuleDate(rule, year) ?? []).map((date) => ({ date, name })));
  return holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export function buildAuHolidayTable(): AuHolidayTable {
  const { from, to } = auHolidayYears;
  const holidays: AuHolidayTable['holidays'] = {};
  for (const jurisdiction of auJurisdictions) {
    const holidaysIn = dateHolidaysAu(jurisdiction);
    const expected = new Map<number, PublicHoliday[]>();
    const datesByName = new Map<string, Map<number, Set<string>>>();
    // Two holidays on one day: the first as date-holidays lists them must come first in the table.
    const before: Array<[string, string]> = [];
    for (let year = from; year <= to; year++) {
      const list = holidaysIn(year);
      expected.set(year, list);
      list.forEach(({ date, name }, index) => {
        const byYear = datesByName.get(name) ?? datesByName.set(name, new Map()).get(name)!;
        (byYear.get(year) ?? byYear.set(year, new Set()).get(year)!).add(date);
        if (index > 0 && list[index - 1]!.date === date) before.push([list[index - 1]!.name, name]);
      });
    }
    const order = [...datesByName.keys()];
    for (let pass = 0; before.some(([a, b]) => order.indexOf(a) > order.indexOf(b)); pass++) {
      if (pass > order.length ** 2) throw new Error(`${jurisdiction}: date-holidays orders holidays on the same day inconsistently`);
      for (const [a, b] of before) {
        if (order.indexOf(a) < order.indexOf(b)) continue;
        order.splice(order.indexOf(a), 1);
        order.splice(order.indexOf(b), 0, a);
      }
    }
    const entries = order.map((name): AuHolidayEntry => [name, ...describe(datesByName.get(name)!)]);
    for (let year = from; year <= to; year++) {
      if (!isDeepStrictEqual(givenBy(entries, year), expected.get(year))) throw new Error(`${jurisdiction} ${year}: the table's rules do not give date-holidays' holidays`);
    }
    holidays[jurisdiction] = entries;
  }
  return { source: `date-holidays ${data.version} (${data.license})`, years: [from, to], holidays };
}

export const auHolidayTablePath = fileURLToPath(new URL('../../shared/domain/au-holidays.table.json', import.meta.url));

/** One holiday a line, so that an upgrade of date-holidays reads as a diff of rules. */
function formatTable(table: AuHolidayTable): string {
  const states = Object.entries(table.holidays).map(
    ([state, entries]) => `    ${JSON.stringify(state)}: [\n${entries.map((entry) => `      ${JSON.stringify(entry)}`).join(',\n')}\n    ]`,
  );
  return `{\n  "source": ${JSON.stringify(table.source)},\n  "years": ${JSON.stringify(table.years)},\n  "holidays": {\n${states.join(',\n')}\n  }\n}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(auHolidayTablePath, formatTable(buildAuHolidayTable()));
  process.stdout.write(`wrote ${auHolidayTablePath}\n`);
}
