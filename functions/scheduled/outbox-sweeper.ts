import { dispatchOutbox, loadStalePending, sweepAfterMs } from '../../shared/db/outbox';
import { logger } from '../../shared/logger';
import type { ScheduledEvent } from '../../shared/wiring/schedules';

/**
 * Every minute: dispatches outbox records still pending two minutes after they were written — the
 * stream's delivery failed for good, or the local stack was killed before its follower read them.
 * One Query per shard of the sparse `pending` index; nothing is scanned.
 */
export const handler = async (event: ScheduledEvent) => {
  const now = new Date(event.scheduledTime);
  if (Number.isNaN(now.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const stale = await loadStalePending(new Date(now.getTime() - sweepAfterMs));
  const { dispatched, skipped, failed } = await dispatchOutbox(stale, new Date());
  logger.info('outbox sweep', { stale: stale.length, dispatched: dispatched.length, skipped: skipped.length, failed: failed.length });
  if (failed.length > 0) throw new Error(`${failed.length} outbox record(s) could not be dispatched; the next sweep retries them`);
  return { stale: stale.length, dispatched: dispatched.length, skipped: skipped.length };
};
