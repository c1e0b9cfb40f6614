import type { EventBridgeEvent } from 'aws-lambda';
import { tasksResync } from '../../events/contracts';
import { logger } from '../../shared/logger';
import { resyncPeriodTaskDueDates } from '../../shared/db/tasks';

/**
 * `tasks.resync` (written in the outbox with a period's due-date change): the period's task items
 * take its current due date, so "my work" sorts by it. Idempotent: a retry rewrites nothing more.
 */
export const handler = async (event: EventBridgeEvent<'tasks.resync', unknown>) => {
  const parsed = tasksResync.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid tasks.resync event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const { projectId, billingPeriodId } = parsed.data;
  logger.appendKeys({ projectId, billingPeriodId });
  const rewritten = await resyncPeriodTaskDueDates(projectId, billingPeriodId);
  logger.info('period tasks resynced', { rewritten });
  return { status: 'done' as const, rewritten };
};
