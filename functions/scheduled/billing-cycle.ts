import { partitionsDue } from '../../shared/db/billing-cycle';
import { publishEvents } from '../../shared/aws/events';
import { logger } from '../../shared/logger';
import type { ScheduledEvent } from '../../shared/wiring/schedules';
import { billingCycleDueEvent } from '../../events/contracts';

/**
 * The billing cycle's scheduled run. The due index is write-sharded (`billingDuePartitions`): this
 * reads which partitions hold a project due at the scheduled time — one small Query each, all at
 * once, never a Scan — and fans them out, one `billing-cycle.due` event per partition, to the
 * billing-cycle worker (functions/events/billing-cycle-worker.ts), which opens the periods. A run
 * that fails to publish throws, so the scheduler retries it; a retry or a duplicate event opens
 * nothing twice.
 */
export const handler = async (event: ScheduledEvent) => {
  const dueAt = new Date(event.scheduledTime);
  if (Number.isNaN(dueAt.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const scheduledTime = dueAt.toISOString();
  const partitions = await partitionsDue(dueAt);
  await publishEvents(
    billingCycleDueEvent,
    partitions.map((partition) => ({ scheduledTime, partition })),
  );
  logger.info('billing cycle', { scheduledTime, partitionsDue: partitions.length });
  return { scheduledTime, partitionsDue: partitions };
};
