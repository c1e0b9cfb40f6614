import { db } from '../../shared/db/service';
import { logger } from '../../shared/logger';
import type { ScheduledEvent } from '../../shared/wiring/schedules';

/**
 * The monthly billing cycle's clock. Reads the sparse index of projects whose next automatic
 * billing period is due at or before the scheduled time — a Query, never a Scan, so it scales
 * with the projects that are due, not with all projects.
 */
export const handler = async (event: ScheduledEvent) => {
  const dueAt = new Date(event.scheduledTime);
  if (Number.isNaN(dueAt.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const { Project } = db();
  const { data } = await Project.query
    .byBillingDue({})
    .lte({ nextBillingPeriodAt: dueAt.toISOString() })
    .go({ pages: 'all', attributes: ['projectId'] });
  const due = data.map((project) => project.projectId);
  logger.info('billing cycle', { scheduledTime: event.scheduledTime, dueProjects: due.length });
  return { scheduledTime: dueAt.toISOString(), dueProjects: due };
};
