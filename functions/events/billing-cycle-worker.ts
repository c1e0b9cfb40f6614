import type { EventBridgeEvent } from 'aws-lambda';
import { billingCycleDue } from '../../events/contracts';
import { openDuePeriods } from '../../shared/db/billing-cycle';
import { logger } from '../../shared/logger';

/**
 * `billing-cycle.due`: opens the due automatic periods of the projects in one partition of the
 * due index (shared/db/billing-cycle.ts), exactly once per period whatever the retries, duplicate
 * deliveries or workers meeting on a project. A project that fails does not stop the others; the
 * run throws at the end so Lambda's retry and on-failure queue see it, and a retry finds the rest
 * still due.
 */
export const handler = async (event: EventBridgeEvent<'billing-cycle.due', unknown>) => {
  const parsed = billingCycleDue.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid billing-cycle.due event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const { partition, scheduledTime } = parsed.data;
  const dueAt = new Date(scheduledTime);
  const { dueProjects, opened, failures } = await openDuePeriods(partition, dueAt);
  logger.info('billing cycle partition', { partition, scheduledTime, dueProjects: dueProjects.length, opened: opened.length, failed: failures.length });
  if (failures.length) {
    throw new AggregateError(
      failures.map((f) => f.error),
      `billing cycle ${dueAt.toISOString()} ${partition}: ${failures.length} of ${dueProjects.length} due projects failed (${failures.map((f) => f.projectId).join(', ')}); ${opened.length} periods opened`,
    );
  }
  return { status: 'done' as const, partition, scheduledTime: dueAt.toISOString(), dueProjects, opened };
};
