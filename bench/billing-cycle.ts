import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalAws } from '../infra/local/aws-services';
import { startLocalEventBus } from '../infra/local/event-bus';
import { invokeLocal } from '../infra/local/lambda';
import { dynamoDocumentClient } from '../shared/aws/dynamo';
import { db } from '../shared/db/service';
import { projectsAtOnce } from '../shared/db/billing-cycle';
import { billingDuePartitions } from '../shared/db/entities/project';
import type { AutomaticPeriodSettings } from '../shared/domain/billing-periods';
import { defaultProjectSettings } from '../shared/domain/project-settings';
import { eventRules } from '../shared/wiring/event-rules';
import { inParallel, ms, recordRatio, table, timed } from './stats';

const tableName = 'bench-billing-cycle';
const monthly: AutomaticPeriodSettings = { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 };
/** Every seeded project was created mid-January in Sydney; the run is at midnight on 1 February there. */
const createdAt = '2027-01-15T02:00:00.000Z';
const scheduledTime = '2027-01-31T13:00:00.000Z';

/**
 * The billing cycle at one local midnight for 1,000 due projects (BENCH_BILLING_PROJECTS=10000 for
 * more) on DynamoDB Local: the projects are seeded with BatchWrite, then the scheduled run fans the
 * due partitions out as `billing-cycle.due` events on the local bus, whose workers open each
 * project's period, until the bus is idle. Reports periods/s, DynamoDB requests per project (by
 * operation), periods and `billing-period.opened` events per project (duplicates and misses), and
 * a reference measured in the same run: as many direct TransactWriteItems calls (the period and the
 * project, as the cycle's creating transaction writes them) at the same concurrency.
 */
export async function billingCycle(): Promise<void> {
  const count = Number(process.env.BENCH_BILLING_PROJECTS ?? 1000);
  const aws = await startLocalAws();
  const openedEvents = new Map<string, number>();
  // Workers share this process's SDK client and its 50 sockets (in AWS each has its own): 6 at once
  // keep 48 requests in flight, so requests wait in DynamoDB Local, not in the SDK's socket queue.
  const workerSlots = limiter(6);
  const bus = await startLocalEventBus({
    log: () => undefined,
    // The worker rule as deployed; `billing-period.opened` is counted here instead of inviting.
    rules: [
      ...eventRules.filter((rule) => rule.detailType === 'billing-cycle.due'),
      ...eventRules.filter((rule) => rule.detailType === 'billing-period.opened'),
    ],
    invoke: async (target, event) => {
      if (target === 'billingCycleWorker') return workerSlots(() => invokeLocal(target, event));
      const { billingPeriodId } = (event as { detail: { billingPeriodId: string } }).detail;
      openedEvents.set(billingPeriodId, (openedEvents.get(billingPeriodId) ?? 0) + 1);
    },
  });
  Object.assign(process.env, aws.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: bus.busName,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  await ensureTable(tableName, aws.env.AWS_ENDPOINT_URL_DYNAMODB!);

  const dynamo: Record<string, number> = {};
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => (args) => ((dynamo[context.commandName ?? '?'] = (dynamo[context.commandName ?? '?'] ?? 0) + 1), next(args)),
    { step: 'initialize', name: 'countRequests' },
  );
  const requestsSince = (before: Record<string, number>) => {
    const byOperation: Record<string, number> = {};
    for (const [operation, n] of Object.entries(dynamo)) if (n > (before[operation] ?? 0)) byOperation[operation] = n - (before[operation] ?? 0);
    return { total: Object.values(byOperation).reduce((a, b) => a + b, 0), byOperation };
  };

  try {
    const seedStarted = performance.now();
    const projectIds = await seedDueProjects(count);
    console.log(`seeded ${count} due projects with BatchWrite in ${ms(performance.now() - seedStarted)}`);

    const before = { ...dynamo };
    const started = performance.now();
    const { handler } = await import('../functions/scheduled/billing-cycle');
    const { partitionsDue } = await handler({ schedule: 'billing-cycle', scheduledTime });
    await bus.idle();
    const cycleMs = performance.now() - started;
    const requests = requestsSince(before);

    const { data: periods } = await db().BillingPeriod.scan.go({ pages: 'all', attributes: ['projectId', 'billingPeriodId', 'startDate'] });
    const perProject = new Map<string, number>();
    for (const period of periods) perProject.set(period.projectId, (perProject.get(period.projectId) ?? 0) + 1);
    const missed = projectIds.filter((projectId) => !perProject.has(projectId)).length;
    const duplicates = periods.length - perProject.size;
    const eventDuplicates = [...openedEvents.values()].reduce((sum, n) => sum + n - 1, 0);
    const eventsMissed = periods.filter((period) => !openedEvents.has(period.billingPeriodId)).length;

    // Reference: the creating transaction's two writes, sent directly, as many times, as many at once.
    const concurrency = Math.min(count, 6 * projectsAtOnce);
    const referenceMs = await timed(() =>
      inParallel(count, concurrency, (i) =>
        dynamoDocumentClient().send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { pk: `reference#${i}`, sk: `period#${randomUUID()}`, startDate: '2027-02-01', endDate: '2027-02-28' }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: tableName,
                  Key: { pk: `reference#${i}`, sk: 'project' },
                  UpdateExpression: 'SET periodsVersion = if_not_exists(periodsVersion, :zero) + :one',
                  ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
                },
              },
            ],
          }),
        ),
      ),
    );

    table([
      {
        what: `billing cycle: ${partitionsDue.length} partitions fanned out, ×${projectsAtOnce} projects per worker`,
        time: ms(cycleMs),
        'periods/s': Math.round((periods.length / cycleMs) * 1000),
        'DynamoDB requests': requests.total,
        'per project': (requests.total / count).toFixed(2),
      },
      {
        what: `reference: ${count} TransactWriteItems direct (×${concurrency})`,
        time: ms(referenceMs),
        'periods/s': Math.round((count / referenceMs) * 1000),
        'DynamoDB requests': count,
        'per project': '1.00',
      },
    ]);
    console.log('DynamoDB requests of the cycle by operation:', requests.byOperation);
    console.log(
      `periods: ${periods.length} for ${count} due projects — duplicates ${duplicates}, projects missed ${missed}; ` +
        `billing-period.opened events: ${openedEvents.size} — duplicates ${eventDuplicates}, missed ${eventsMissed}`,
    );
    console.log(`partitions queried: ${billingDuePartitions.length} (${billingDuePartitions.length - 1} shards + the pre-shard one); with projects due: ${partitionsDue.length}`);
    recordRatio('billing-cycle', `cycle time / ${count} direct TransactWriteItems`, cycleMs / referenceMs);
    recordRatio('billing-cycle', 'DynamoDB requests per project / 1', requests.total / count);
    if (duplicates || missed || eventDuplicates || eventsMissed) throw new Error('the billing cycle doubled or missed periods or events');
  } finally {
    await bus.stop();
    await aws.stop();
  }
}

/** `count` projects with monthly periods, due at Sydney midnight on 1 February, written 25 at a time (BatchWriteItem). */
async function seedDueProjects(count: number): Promise<string[]> {
  const projects = Array.from({ length: count }, (_, i) => ({
    ...defaultProjectSettings('en-AU'),
    billingPeriods: { ...monthly, autoInvites: false },
    projectId: randomUUID(),
    companyId: `bench-gc-${i % 100}`,
    name: `Project ${i + 1}`,
    number: `P-${i + 1}`,
    timeZone: 'Australia/Sydney',
    createdBy: 'bench-admin',
    createdAt,
    nextBillingPeriodAt: scheduledTime,
  }));
  await db().Project.put(projects).go({ concurrency: 8 });
  return projects.map((project) => project.projectId);
}

/** Runs tasks with at most `slots` at once, the rest waiting their turn. */
function limiter(slots: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
