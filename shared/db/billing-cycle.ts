import { db } from './service';
import { billingDuePartitions } from './entities/project';
import { advanceBillingCycle, type OpenedPeriod } from './billing-periods';
import { logger } from '../logger';

/**
 * The billing cycle at scale: the scheduled run finds which partitions of the write-sharded due
 * index hold projects due (one small Query each, all at once) and publishes one `billing-cycle.due`
 * event per such partition; a worker per event reads its partition and opens its projects' periods
 * (`advanceBillingCycle`, exactly once per period however many workers meet on a project).
 */

/** The partitions with at least one project due at `dueAt`: a one-item Query of each, in parallel. */
export async function partitionsDue(dueAt: Date): Promise<string[]> {
  const due = dueAt.toISOString();
  const found = await Promise.all(
    billingDuePartitions.map(async (partition) => {
      const { data } = await db()
        .Project.query.byBillingDue({ billingDuePartition: partition })
        .lte({ nextBillingPeriodAt: due })
        .go({ limit: 1, attributes: ['projectId'] });
      return data.length > 0 ? partition : undefined;
    }),
  );
  return found.filter((partition) => partition !== undefined);
}

/** The ids of the projects of one partition due at `dueAt` (a Query, every page). */
export async function dueProjectIds(partition: string, dueAt: Date): Promise<string[]> {
  const { data } = await db()
    .Project.query.byBillingDue({ billingDuePartition: partition })
    .lte({ nextBillingPeriodAt: dueAt.toISOString() })
    .go({ pages: 'all', attributes: ['projectId'] });
  return data.map((project) => project.projectId);
}

/** Projects one worker advances at once: each is a few requests in a row (README "Scaling"). */
export const projectsAtOnce = 8;

export interface PartitionRun {
  dueProjects: string[];
  opened: OpenedPeriod[];
  failures: Array<{ projectId: string; error: unknown }>;
}

/**
 * Opens the due periods of one partition's due projects, `projectsAtOnce` at a time. A project
 * that fails does not stop the others; the caller reports the failures (the project stays due,
 * so a retry or the next run finds it).
 */
export async function openDuePeriods(partition: string, dueAt: Date): Promise<PartitionRun> {
  const due = await dueProjectIds(partition, dueAt);
  const opened: OpenedPeriod[] = [];
  const failures: PartitionRun['failures'] = [];
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
  await Promise.all(Array.from({ length: Math.min(projectsAtOnce, due.length) }, worker));
  return { dueProjects: due, opened, failures };
}
