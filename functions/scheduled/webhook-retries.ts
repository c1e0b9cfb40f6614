import { loadDueDeliveries } from '../../shared/db/webhooks';
import { logger } from '../../shared/logger';
import { attemptDeliveries } from '../../shared/webhooks/deliver';
import type { ScheduledEvent } from '../../shared/wiring/schedules';

/**
 * Every minute: attempts every webhook delivery due by the scheduled time — retries whose backoff
 * has passed, first attempts whose request event was lost, and attempts whose lease ran out (a
 * crashed delivery function). One Query per shard of the sparse `due` index; nothing is scanned.
 */
export const handler = async (event: ScheduledEvent) => {
  const now = Date.parse(event.scheduledTime);
  if (Number.isNaN(now)) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const due = await loadDueDeliveries(now);
  // Attempts are stamped with the scheduled instant, so a run fired for a later time (a test, a late schedule) is consistent.
  const summary = await attemptDeliveries(due, () => Math.max(now, Date.now()));
  const result = Object.fromEntries(Object.entries(summary).map(([key, ids]) => [key, ids.length]));
  logger.info('webhook retries', { due: due.length, ...result });
  return { due: due.length, ...result };
};
