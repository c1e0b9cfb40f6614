/**
 * Calendar dates as ISO strings ("2026-12-24") and business-day counting. Pure: a date is a
 * civil date (no time zone, no clock); the caller says which days are not business days.
 */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(date: string): Date {
  const match = isoDate.exec(date);
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!parsed || parsed.toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: "${date}"`);
  return parsed;
}

export function isCalendarDate(value: string): boolean {
  try {
    toUtc(value);
    return true;
  } catch {
    return false;
  }
}

/** The date `days` calendar days after `date` (negative: before). */
export function addCalendarDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return toUtc(date).getUTCDay();
}

export const isWeekend = (date: string): boolean => {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
};

/** Whether a date is a non-business day beyond the weekend (public holidays, statutory shutdowns). */
export type NonBusinessDay = (date: string) => boolean;

export const isBusinessDay = (date: string, closed: NonBusinessDay): boolean => !isWeekend(date) && !closed(date);

/**
 * The `count`-th business day after `date` (the day of service itself is not counted, the way the
 * Acts count "within N business days after"): 10 business days after Thu 2026-12-24 in NSW.
 */
export function addBusinessDays(date: string, count: number, closed: NonBusinessDay): string {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('addBusinessDays: count must be a whole number ≥ 0');
  let day = date;
  for (let counted = 0; counted < count; ) {
    day = addCalendarDays(day, 1);
    if (isBusinessDay(day, closed)) counted += 1;
  }
  return day;
}

/** The last business day strictly before `date` (a reminder the day before a deadline). */
export function previousBusinessDay(date: string, closed: NonBusinessDay): string {
  let day = addCalendarDays(date, -1);
  while (!isBusinessDay(day, closed)) day = addCalendarDays(day, -1);
  return day;
}

/** Business days from `from` (exclusive) to `to` (inclusive); 0 when `to` ≤ `from`. */
export function businessDaysBetween(from: string, to: string, closed: NonBusinessDay): number {
  let count = 0;
  for (let day = addCalendarDays(from, 1); day <= to; day = addCalendarDays(day, 1)) if (isBusinessDay(day, closed)) count += 1;
  return count;
}
