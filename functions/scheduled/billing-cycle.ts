import { db } from '../../shared/db/service';
import { billingDue } from '../../shared/db/entities/project';
import { advanceBillingCycle, type OpenedPeriod } from '../../shared/db/billing-periods';
import { logger } from '../../shared/logger';
import type { ScheduledEvent } from '../../shared/wiring/schedules';

/** Projects advanced at once: each is a few requests in a row, and DynamoDB spreads them over partitions. */
const concurrency = 8;

/**
 * The billing cycle. Reads the sparse index of projects whose next automatic billing period is due
 * at or before the scheduled time — a Query, never a Scan, so it scales with the projects that are
 * due, not with all projects — and opens each one's due periods (shared/db/billing-periods.ts
 * `advanceBillingCycle`: exactly once per period, whatever the retries, duplicate deliveries or
 * concurrent runs). A project that fails does not stop the others; the run throws at the end so
 * the scheduler's retry and dead-letter queue see it, and a retry finds the rest still due.
 */
export const handler = async (event: ScheduledEvent) => {
  const dueAt = new Date(event.scheduledTime);
  if (Number.isNaN(dueAt.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
  const { data } = await db()
    .Project.query.byBillingDue({ billingDuePartition: billingDue })
    .lte({ nextBillingPeriodAt: dueAt.toISOString() })
    .go({ pages: 'all', attributes: ['projectId'] });
  const due = data.map((project) => project.projectId);
  logger.info('billing cycle', { scheduledTime: event.scheduledTime, dueProjects: due.length });

  const opened: OpenedPeriod[] = [];
  const failures: Array<{ projectId: string; error: unknown }> = [];
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const projectId = due[next++]!;
      try {
        opened.push(...(await advanceBillingCycle(projectId, dueAt)));
      } catch (error) {
        logger.error('billing cycle failed for a project', { projectId, error: error as Error });
        failures.push({ projectId, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));

  if (failures.length) {
    throw new AggregateError(
      failures.map((f) => f.error),
      `billing cycle ${dueAt.toISOString()}: ${failures.length} of ${due.length} due projects failed (${failures.map((f) => f.projectId).join(', ')}); ${opened.length} periods opened`,
    );
  }
  return { scheduledTime: dueAt.toISOString(), dueProjects: due, opened };
};
