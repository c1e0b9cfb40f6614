import { Cron } from 'croner';
import { schedules, type ScheduleDefinition, type ScheduledEvent } from '../../shared/wiring/schedules';
import { invokeLocal } from './lambda';

/**
 * The local EventBridge Scheduler: one croner timer per declared schedule, in its time zone,
 * calling the target with the same `ScheduledEvent` the cloud sends.
 */
export interface LocalScheduler {
  stop(): void;
}

/** Runs one schedule's target now, as of `scheduledTime` (also what `npm run invoke` does). */
export function runSchedule(schedule: ScheduleDefinition, scheduledTime: Date): Promise<unknown> {
  const event: ScheduledEvent = { schedule: schedule.name, scheduledTime: scheduledTime.toISOString() };
  return invokeLocal(schedule.target, event);
}

export function startScheduler(log: (line: string) => void): LocalScheduler {
  const jobs = schedules.map(
    (schedule) =>
      new Cron(
        schedule.cron,
        {
          timezone: schedule.timezone,
          // Like a Lambda that is still busy, a run that overlaps the previous one is skipped.
          protect: () => log(`schedule ${schedule.name}: previous run still busy, this run skipped`),
        },
        async () => {
          // Five-field crons fire on whole minutes: that minute is the instant the run was scheduled for.
          const scheduledTime = new Date(Math.floor(Date.now() / 60_000) * 60_000);
          try {
            await runSchedule(schedule, scheduledTime);
            log(`schedule ${schedule.name} (${scheduledTime.toISOString()}) → ${schedule.target} done`);
          } catch (error) {
            log(`schedule ${schedule.name} → ${schedule.target} failed: ${(error as Error).stack ?? String(error)}`);
          }
        },
      ),
  );
  return { stop: () => jobs.forEach((job) => job.stop()) };
}
