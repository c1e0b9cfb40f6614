/**
 * When reminders go out (invites' and awaited payment schedules'), in the project's time zone: apart
 * from invites.ts, so that what only times a reminder does not bundle the invites' writes and outbox.
 */
import type { BillingPeriodItem } from './entities/billing-period';
import type { ProjectItem } from './entities/project';
import { addDays, localDate, startOfLocalDay } from '../domain/billing-periods';

/** Reminders go out in the morning of their local day, not at midnight. */
const reminderDelayMs = 8 * 60 * 60 * 1000;

/** The local day (YYYY-MM-DD) the reminder is due on, or undefined when the project sets none. */
export function reminderDay(project: ProjectItem, period: BillingPeriodItem): string | undefined {
  const days = project.billingPeriods.reminderDaysBeforeDue;
  return days === undefined ? undefined : addDays(period.dueDate, -days);
}

/** When a reminder due on `day` goes out (ISO instant): the morning of that day in the project's zone. */
export function reminderInstant(day: string, timeZone: string): string {
  return new Date(startOfLocalDay(day, timeZone).getTime() + reminderDelayMs).toISOString();
}

/**
 * When the reminder for an invite sent now is due, or undefined: no reminder set, or its day is
 * today or already past (an invite sent that late needs no reminder).
 */
export function remindAtFor(project: ProjectItem, period: BillingPeriodItem, now: Date): string | undefined {
  const day = reminderDay(project, period);
  if (day === undefined || day <= localDate(now, project.timeZone)) return undefined;
  return reminderInstant(day, project.timeZone);
}
