/**
 * Australian payment schedules under the Security of Payment Acts (DOMAIN.md "Payment schedules
 * and prompt payment"), pure: the statutory business days per state or territory, the deadline
 * to serve a schedule, the reminder date, overdue, the schedule's figures (scheduled vs claimed
 * per line, with a reason for every difference), and Queensland's retention caps.
 *
 * Business days: Monday to Friday, less the state's public holidays (au-holidays.ts) and the
 * days each Act excludes over Christmas. Sources checked (Dec 2026): QBCC "Business days and
 * the holiday period" (QLD 22 Dec–10 Jan), HWL Ebsworth "Preparing for the 2024 security of
 * payment season" and "Comparing Australia's Security of Payment Laws" (NSW and ACT 27–31 Dec;
 * VIC none; the periods NSW/VIC/ACT/TAS 10, QLD/WA/SA 15), Morrissey Law (the definitions).
 * TAS: 27–31 December were added to the Act's "business day" (Civil Contractors Federation Tas,
 * "Security of Payment Claims over the Christmas period", Dec 2015). WA, SA and NT's 27–31
 * December exclusions are from the Acts' definitions as remembered, not yet checked against the
 * current text (HWL Ebsworth 2023–24 says every jurisdiction but VIC has a holiday blackout, not
 * which days; SA's 2017 bill proposed 22 Dec–10 Jan and lapsed): see `checked`.
 */
import { auPublicHoliday } from './au-holidays';
import { auJurisdictionForTimeZone, type AuJurisdiction } from './au-jurisdictions';
import { localDate } from './billing-periods';
import { addBusinessDays, addCalendarDays, businessDaysBetween, isWeekend, previousBusinessDay, type NonBusinessDay } from './business-days';
import { addCents, formatCents, sumCents } from './money';
import type { FieldIssue } from './errors';

export type { AuJurisdiction, PaymentScheduleStatus } from './au-jurisdictions';
export { paymentScheduleStatus } from './au-jurisdictions';
export { auJurisdictions } from './au-jurisdictions';

/** A yearly run of non-business days, month-day to month-day inclusive (may wrap into January). */
interface ClosedPeriod {
  from: string;
  to: string;
}

export interface AuSecurityOfPayment {
  act: string;
  /** Where the Act sets the payment schedule period. */
  scheduleSection: string;
  /** Business days after the claim is served to serve a payment schedule (or earlier under the contract); null: no payment-schedule step. */
  scheduleBusinessDays: number | null;
  /** Days the Act's "business day" definition leaves out beyond weekends and public holidays. */
  closed: readonly ClosedPeriod[];
  /** Whether `closed` and the period were checked against a published source. */
  checked: boolean;
  note?: string;
}

const lastDaysOfDecember: ClosedPeriod[] = [{ from: '12-27', to: '12-31' }];

export const auSecurityOfPayment: Readonly<Record<AuJurisdiction, AuSecurityOfPayment>> = {
  NSW: { act: 'Building and Construction Industry Security of Payment Act 1999 (NSW)', scheduleSection: 's 14(4)', scheduleBusinessDays: 10, closed: lastDaysOfDecember, checked: true },
  VIC: { act: 'Building and Construction Industry Security of Payment Act 2002 (Vic)', scheduleSection: 's 15(4)', scheduleBusinessDays: 10, closed: [], checked: true },
  QLD: {
    act: 'Building Industry Fairness (Security of Payment) Act 2017 (Qld)',
    scheduleSection: 's 76(1); business day: sch 2',
    scheduleBusinessDays: 15,
    closed: [{ from: '12-22', to: '01-10' }],
    checked: true,
  },
  WA: { act: 'Building and Construction Industry (Security of Payment) Act 2021 (WA)', scheduleSection: 's 25', scheduleBusinessDays: 15, closed: lastDaysOfDecember, checked: false },
  SA: { act: 'Building and Construction Industry Security of Payment Act 2009 (SA)', scheduleSection: 's 14(4)', scheduleBusinessDays: 15, closed: lastDaysOfDecember, checked: false },
  TAS: {
    act: 'Building and Construction Industry Security of Payment Act 2009 (Tas)',
    scheduleSection: 's 17',
    scheduleBusinessDays: 10,
    closed: lastDaysOfDecember,
    checked: true,
    note: '20 business days where the respondent is an owner-occupier',
  },
  ACT: { act: 'Building and Construction Industry (Security of Payment) Act 2009 (ACT)', scheduleSection: 's 16', scheduleBusinessDays: 10, closed: lastDaysOfDecember, checked: true },
  NT: {
    act: 'Construction Contracts (Security of Payments) Act 2004 (NT)',
    scheduleSection: 'none (payment disputes, not payment schedules)',
    scheduleBusinessDays: null,
    closed: lastDaysOfDecember,
    checked: false,
    note: 'the NT Act has no payment schedule: a payment dispute arises when a claim is rejected or not paid when due',
  },
};

function inClosedPeriod(date: string, periods: readonly ClosedPeriod[]): boolean {
  const monthDay = date.slice(5);
  return periods.some((p) => (p.from <= p.to ? monthDay >= p.from && monthDay <= p.to : monthDay >= p.from || monthDay <= p.to));
}

/** Why a weekday is not a business day in a state or territory (public holiday or the Act's Christmas exclusion), if it is not. */
export function auNonBusinessReason(jurisdiction: AuJurisdiction, date: string): string | undefined {
  const holiday = auPublicHoliday(jurisdiction, date);
  if (holiday) return holiday.name;
  if (inClosedPeriod(date, auSecurityOfPayment[jurisdiction].closed)) return `not a business day under the ${auSecurityOfPayment[jurisdiction].act}`;
  return undefined;
}

export const auNonBusinessDay = (jurisdiction: AuJurisdiction): NonBusinessDay => (date) => auNonBusinessReason(jurisdiction, date) !== undefined;

export interface PaymentScheduleDeadline {
  jurisdiction: AuJurisdiction;
  claimServedOn: string;
  businessDays: number;
  /** The last day to serve the payment schedule. */
  dueOn: string;
  /** A reminder `reminderBusinessDays` business days before `dueOn` (never before the claim). */
  remindOn: string;
  /** Weekdays skipped between the claim and the deadline, and why (holidays, the Christmas exclusion). */
  skipped: { date: string; reason: string }[];
}

/** Refusal for jurisdictions without a payment-schedule step. */
export function paymentScheduleJurisdictionRefusal(jurisdiction: AuJurisdiction): string | undefined {
  const rules = auSecurityOfPayment[jurisdiction];
  return rules.scheduleBusinessDays === null ? `${jurisdiction} has no payment schedule: ${rules.note}` : undefined;
}

/**
 * When a payment schedule is due: the Act's business days after the claim was served (the day of
 * service not counted), or the contract's shorter period when it gives one.
 */
export function paymentScheduleDeadline(input: {
  jurisdiction: AuJurisdiction;
  claimServedOn: string;
  contractBusinessDays?: number;
  reminderBusinessDays?: number;
}): PaymentScheduleDeadline {
  const { jurisdiction, claimServedOn } = input;
  const statutory = auSecurityOfPayment[jurisdiction].scheduleBusinessDays;
  if (statutory === null) throw new RangeError(paymentScheduleJurisdictionRefusal(jurisdiction));
  const businessDays = input.contractBusinessDays === undefined ? statutory : Math.min(statutory, input.contractBusinessDays);
  const closed = auNonBusinessDay(jurisdiction);
  const dueOn = addBusinessDays(claimServedOn, businessDays, closed);
  let remindOn = dueOn;
  for (let i = 0; i < (input.reminderBusinessDays ?? 2); i += 1) remindOn = previousBusinessDay(remindOn, closed);
  if (remindOn <= claimServedOn) remindOn = claimServedOn;
  const skipped: { date: string; reason: string }[] = [];
  for (let day = claimServedOn; day < dueOn; ) {
    day = addCalendarDays(day, 1);
    const reason = isWeekend(day) ? undefined : auNonBusinessReason(jurisdiction, day);
    if (reason) skipped.push({ date: day, reason });
  }
  return { jurisdiction, claimServedOn, businessDays, dueOn, remindOn, skipped };
}

/**
 * The deadline of the schedule a submitted claim still awaits on an Australian project (its
 * state from the project's time zone; served the day it was submitted, project time), or
 * undefined: not Australian, not submitted, already answered, or a state without schedules.
 */
export function awaitedScheduleDeadline(
  project: { region: string; timeZone: string },
  invoice: { submittedAt?: string; paymentSchedule?: unknown },
): PaymentScheduleDeadline | undefined {
  if (project.region !== 'en-AU' || !invoice.submittedAt || invoice.paymentSchedule !== undefined) return undefined;
  const jurisdiction = auJurisdictionForTimeZone(project.timeZone);
  if (!jurisdiction || paymentScheduleJurisdictionRefusal(jurisdiction)) return undefined;
  return paymentScheduleDeadline({ jurisdiction, claimServedOn: localDate(new Date(invoice.submittedAt), project.timeZone) });
}

/** Business days left to serve the schedule (0 on the day it is due; negative never: overdue is a status). */
export function businessDaysLeft(jurisdiction: AuJurisdiction, dueOn: string, today: string): number {
  return businessDaysBetween(today, dueOn, auNonBusinessDay(jurisdiction));
}

// ---- The schedule's figures ----

export interface ClaimedLine {
  lineId: string;
  description?: string;
  /** What the claim asks for this period on the line (work this period + stored materials change, as the claim shows it). */
  claimedCents: number;
}

export interface ScheduledLineEntry {
  lineId: string;
  scheduledCents: number;
  /** Required when the scheduled amount differs from the claimed one. */
  reason?: string;
}

export interface ScheduledLine {
  lineId: string;
  description?: string;
  claimedCents: number;
  scheduledCents: number;
  /** scheduled − claimed (negative: less is proposed to be paid). */
  differenceCents: number;
  reason: string | null;
}

export interface PaymentScheduleFigures {
  lines: ScheduledLine[];
  claimedCents: number;
  scheduledCents: number;
  differenceCents: number;
}

/**
 * The schedule per line: lines not given are scheduled as claimed; a difference needs its
 * reason (the Acts require the reasons for withholding). Issues name `lines.N.field`.
 */
export function paymentScheduleFigures(claimed: readonly ClaimedLine[], entries: readonly ScheduledLineEntry[]): { figures: PaymentScheduleFigures } | { issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const claimedById = new Map(claimed.map((l) => [l.lineId, l]));
  const entryById = new Map<string, ScheduledLineEntry>();
  entries.forEach((entry, index) => {
    const at = (field: string) => `lines.${index}.${field}`;
    const line = claimedById.get(entry.lineId);
    if (!line) issues.push({ field: at('lineId'), message: 'no line of this claim has this id' });
    else if (entryById.has(entry.lineId)) issues.push({ field: at('lineId'), message: 'appears more than once' });
    if (!Number.isSafeInteger(entry.scheduledCents) || entry.scheduledCents < 0) issues.push({ field: at('scheduledCents'), message: 'must be a whole number of cents, 0 or more' });
    else if (line && entry.scheduledCents !== line.claimedCents && !entry.reason?.trim()) {
      issues.push({
        field: at('reason'),
        message: `required: ${formatCents(entry.scheduledCents)} scheduled differs from the ${formatCents(line.claimedCents)} claimed`,
      });
    }
    entryById.set(entry.lineId, entry);
  });
  if (issues.length > 0) return { issues };
  const lines = claimed.map((line): ScheduledLine => {
    const entry = entryById.get(line.lineId);
    const scheduledCents = entry?.scheduledCents ?? line.claimedCents;
    const differenceCents = addCents(scheduledCents, -line.claimedCents);
    return {
      lineId: line.lineId,
      ...(line.description === undefined ? {} : { description: line.description }),
      claimedCents: line.claimedCents,
      scheduledCents,
      differenceCents,
      reason: entry?.reason?.trim() || null,
    };
  });
  const claimedCents = sumCents(lines.map((l) => l.claimedCents));
  const scheduledCents = sumCents(lines.map((l) => l.scheduledCents));
  return { figures: { lines, claimedCents, scheduledCents, differenceCents: addCents(scheduledCents, -claimedCents) } };
}

export { qldRetentionCapIssues } from './qld-retention-cap';

/** What an invoice stores in `paymentSchedule` once one is served. */
export interface StoredPaymentSchedule {
  jurisdiction: AuJurisdiction;
  claimServedOn: string;
  contractBusinessDays?: number;
  referenceDate?: string;
  servedOn: string;
  servedBy: string;
  servedAt: string;
  dueOn: string;
  figures: PaymentScheduleFigures;
}
