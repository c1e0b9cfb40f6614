import type { FunctionName } from './functions';

/**
 * Schedules, declared once: an EventBridge Scheduler schedule in AWS, a cron timer
 * in the local dev server (`npm run invoke -- <name>` fires one now).
 * `cron` uses the five-field Unix form; `toScheduler` turns it into AWS's six-field form.
 */
export interface ScheduleDefinition {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly target: FunctionName;
  readonly description: string;
}

export const schedules = [
  {
    name: 'billing-cycle',
    // Every 15 minutes: project time zones start their days at :00, :30 and :45 offsets.
    cron: '*/15 * * * *',
    timezone: 'UTC',
    target: 'billingCycle',
    description: 'Creates each project’s next automatic billing period when it is due',
  },
  {
    name: 'invite-reminders',
    // Hourly: each project's reminder goes out on its own local day, whatever its time zone.
    cron: '5 * * * *',
    timezone: 'UTC',
    target: 'inviteReminders',
    description: 'Reminds invited contacts who have not submitted, N days before the due date',
  },
  {
    name: 'outbox-sweeper',
    cron: '* * * * *',
    timezone: 'UTC',
    target: 'outboxSweeper',
    description: 'Dispatches outbox records the stream missed, two minutes after they were written',
  },
  {
    name: 'webhook-retries',
    cron: '* * * * *',
    timezone: 'UTC',
    target: 'webhookRetries',
    description: 'Attempts webhook deliveries whose retry is due; fails them after 24 hours',
  },
  {
    name: 'attachment-sweeper',
    // Daily, at a quiet hour: what it deletes is at least a day old, so once a day is enough.
    cron: '17 3 * * *',
    timezone: 'UTC',
    target: 'attachmentSweeper',
    description: 'Deletes attachment objects no attachment record names, a day after they were written',
  },
  {
    name: 'docusign-poll',
    cron: '23 * * * *',
    timezone: 'UTC',
    // The DocuSign consumer itself: a function of its own would push the stack past CloudFormation's 500 resources.
    target: 'docusignEnvelopes',
    description: 'Asks DocuSign for the status of envelopes still open six hours after they were sent (Connect may have missed them)',
  },
] as const satisfies readonly ScheduleDefinition[];

/** `m h dom mon dow` → EventBridge Scheduler's `cron(m h dom mon dow year)`, where one of dom/dow must be `?`. */
export function toSchedulerExpression(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron must have five fields: ${cron}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  // Unix numbers Sunday 0, AWS numbers it 1: names (MON-FRI) mean the same in both.
  if (/\d/.test(dayOfWeek)) throw new Error(`use day names, not numbers, for the day of week: ${cron}`);
  const dom = dayOfWeek !== '*' ? '?' : dayOfMonth;
  const dow = dayOfWeek !== '*' ? dayOfWeek : '?';
  return `cron(${minute} ${hour} ${dom} ${month} ${dow} *)`;
}

/**
 * What a scheduled handler receives, in both runtimes: EventBridge Scheduler sends this as the
 * target input (with `<aws.scheduler.scheduled-time>` filled in); the local cron timer sends the same.
 */
export interface ScheduledEvent {
  schedule: string;
  /** ISO 8601 instant the run was scheduled for (not when it started). */
  scheduledTime: string;
}

/** The target input template for EventBridge Scheduler. */
export function schedulerInput(name: string): string {
  return JSON.stringify({ schedule: name, scheduledTime: '<aws.scheduler.scheduled-time>' });
}
