import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { handler as billingCycle } from '../../functions/scheduled/billing-cycle';
import { handler as billingCycleWorker } from '../../functions/events/billing-cycle-worker';
import { db } from '../../shared/db/service';
import { dueProjectIds } from '../../shared/db/billing-cycle';
import type { OpenedPeriod } from '../../shared/db/billing-periods';
import { billingDueFields, billingDuePartitionOf, billingDuePartitions, legacyBillingDuePartition } from '../../shared/db/entities/project';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { addDays, nextBillingPeriodAt, type AutomaticPeriodSettings } from '../../shared/domain/billing-periods';
import { expectStatus, type Call, type Json, type TestApi } from '../support/api-client';
import { startFixtureApi, type PermissionFixture } from '../support/permission-fixtures';

/**
 * The billing cycle against DynamoDB Local: its scheduled handler, called as EventBridge Scheduler
 * calls it ({ schedule, scheduledTime }), publishes one `billing-cycle.due` event per partition of
 * the sharded due index with projects due; the worker handler, called as the rule delivers each
 * event, opens the periods. Automatic periods opened exactly once whatever the repetitions and
 * races, in the project's time zone, with their `billing-period.opened` events (recorded by the
 * local bus) never lost. And the settings routes that keep `nextBillingPeriodAt`.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let published: RecordedEvent[] = [];

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
});

beforeEach(() => {
  published.length = 0;
});

/** Every project in the due index (any partition, the legacy one too) due by `at`. */
const dueProjects = async (at = '9999-12-31T00:00:00.000Z') =>
  (await Promise.all(billingDuePartitions.map((partition) => dueProjectIds(partition, new Date(at))))).flat();

// Every test starts with no project due: the cycle reads all due projects of the table.
afterEach(async () => {
  await Promise.all((await dueProjects()).map((projectId) => db().Project.patch({ projectId }).remove(['nextBillingPeriodAt']).go()));
});

/** The scheduled run: answers the partitions it published a `billing-cycle.due` event for. */
const dispatch = (scheduledTime: string) => billingCycle({ schedule: 'billing-cycle', scheduledTime });

/** One worker run, as the rule delivers a `billing-cycle.due` event. */
async function work(scheduledTime: string, partition: string): Promise<OpenedPeriod[]> {
  const result = await billingCycleWorker(deliveredEvent('billing-cycle.due', { scheduledTime, partition }));
  if (result.status !== 'done') throw new Error(`worker answered ${result.status}`);
  return result.opened;
}

/** The workers of the partitions a scheduled run fanned out to, all at once; throws naming every failure. */
async function workAll(scheduledTime: string, partitions: readonly string[]): Promise<{ opened: OpenedPeriod[] }> {
  const results = await Promise.allSettled(partitions.map((partition) => work(scheduledTime, partition)));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length) throw new Error(failed.join('; '));
  return { opened: results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])) };
}

/** A whole cycle: the scheduled run, then its workers. */
async function run(scheduledTime: string): Promise<{ opened: OpenedPeriod[] }> {
  const { scheduledTime: at, partitionsDue } = await dispatch(scheduledTime);
  return workAll(at, partitionsDue);
}

const monthly: AutomaticPeriodSettings = { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 };
const weekly: AutomaticPeriodSettings = { frequency: 'weekly', startDay: 1, endDay: 7, dueDay: 5 };

/** A project with automatic periods as of `createdAt`, seeded as the create route stores it. */
async function seedProject(settings: AutomaticPeriodSettings, timeZone: string, createdAt: string, projectId = `cycle-${randomUUID().slice(0, 8)}`): Promise<string> {
  const nextAt = nextBillingPeriodAt(settings, timeZone, undefined, new Date(createdAt));
  await db()
    .Project.create({
      ...defaultProjectSettings('en-AU'),
      billingPeriods: { ...settings, autoInvites: false },
      projectId,
      companyId: fx.companyId,
      name: `Cycle ${projectId}`,
      number: projectId,
      timeZone,
      createdBy: fx.users.admin.userId,
      createdAt,
      ...(nextAt ? { nextBillingPeriodAt: nextAt } : {}),
    })
    .go();
  return projectId;
}

async function periodsOf(projectId: string) {
  const { data } = await db().BillingPeriod.query.byProject({ projectId }).go({ consistent: true, pages: 'all' });
  return data.sort((a, b) => a.startDate.localeCompare(b.startDate));
}
const rangesOf = async (projectId: string) => (await periodsOf(projectId)).map((p) => [p.startDate, p.endDate, p.dueDate]);
const projectOf = async (projectId: string) => (await db().Project.get({ projectId }).go({ consistent: true })).data!;
const openedEvents = async () => {
  await bus.idle();
  return published.filter((e) => e.detailType === 'billing-period.opened').map((e) => e.detail);
};

describe('acceptance: monthly 1st → 31st, due 25th, Australia/Sydney, created 2027-01-15', () => {
  it('opens January, then February, then March as the scheduled time reaches each Sydney midnight; February 2028 has 29 days', async () => {
    const projectId = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    // The period containing the project's first day has begun already: it is due at once.
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2026-12-31T13:00:00.000Z');

    const first = await run('2027-01-15T02:15:00.000Z');
    expect(first.opened).toEqual([{ projectId, billingPeriodId: expect.any(String), startDate: '2027-01-01', endDate: '2027-01-31', dueDate: '2027-01-25' }]);
    const [jan] = await periodsOf(projectId);
    expect(jan).toMatchObject({ position: 1, status: 'open', source: 'automatic', createdBy: 'system', invoiceCount: 0, version: 1, openedEventPublished: true });
    const janOpened = { projectId, billingPeriodId: jan!.billingPeriodId, source: 'automatic', startDate: '2027-01-01', endDate: '2027-01-31', dueDate: '2027-01-25', occurredAt: jan!.createdAt };
    expect(await projectOf(projectId)).toMatchObject({ openBillingPeriodId: jan!.billingPeriodId, nextBillingPeriodAt: '2027-01-31T13:00:00.000Z', periodsVersion: 2 });
    expect(await openedEvents()).toEqual([janOpened]);

    // 23:45 on 31 January in Sydney: February has not begun there.
    expect((await run('2027-01-31T12:45:00.000Z')).opened).toEqual([]);
    // Midnight, 1 February in Sydney (13:00 UTC, daylight saving time).
    expect((await run('2027-01-31T13:00:00.000Z')).opened.map((p) => [p.startDate, p.endDate, p.dueDate])).toEqual([['2027-02-01', '2027-02-28', '2027-02-25']]);
    expect((await run('2027-02-28T13:00:00.000Z')).opened.map((p) => [p.startDate, p.endDate, p.dueDate])).toEqual([['2027-03-01', '2027-03-31', '2027-03-25']]);

    const periods = await periodsOf(projectId);
    expect(periods.map((p) => [p.position, p.startDate, p.endDate, p.dueDate, p.status])).toEqual([
      [1, '2027-01-01', '2027-01-31', '2027-01-25', 'closed'],
      [2, '2027-02-01', '2027-02-28', '2027-02-25', 'closed'],
      [3, '2027-03-01', '2027-03-31', '2027-03-25', 'open'],
    ]);
    // After standard time begins in April, midnight is 14:00 UTC.
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2027-03-31T13:00:00.000Z');
    expect((await run('2027-03-31T13:00:00.000Z')).opened).toHaveLength(1);
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2027-04-30T14:00:00.000Z');

    // A run months later catches up, one period after the other, to February 2028.
    const catchUp = await run('2028-02-01T00:00:00.000Z');
    expect(catchUp.opened.map((p) => p.startDate)).toEqual([
      '2027-05-01', '2027-06-01', '2027-07-01', '2027-08-01', '2027-09-01', '2027-10-01', '2027-11-01', '2027-12-01', '2028-01-01', '2028-02-01',
    ]);
    expect(catchUp.opened.at(-1)).toMatchObject({ startDate: '2028-02-01', endDate: '2028-02-29', dueDate: '2028-02-25' });
    const all = await periodsOf(projectId);
    expect(all.map((p) => p.position)).toEqual(all.map((_, i) => i + 1));
    expect(all.filter((p) => p.status === 'open').map((p) => p.startDate)).toEqual(['2028-02-01']);
    for (let i = 1; i < all.length; i++) expect(all[i]!.startDate).toBe(addDays(all[i - 1]!.endDate, 1));
    expect(await projectOf(projectId)).toMatchObject({ openBillingPeriodId: all.at(-1)!.billingPeriodId, nextBillingPeriodAt: '2028-02-29T13:00:00.000Z' });
  });
});

describe('weekly periods through the handler', () => {
  it('opens Monday-to-Sunday weeks at New York midnight across the year boundary', async () => {
    const projectId = await seedProject(weekly, 'America/New_York', '2027-12-29T15:00:00.000Z');
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2027-12-27T05:00:00.000Z');
    await run('2027-12-29T15:00:00.000Z');
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2028-01-03T05:00:00.000Z');
    expect((await run('2028-01-03T04:45:00.000Z')).opened).toEqual([]);
    await run('2028-01-03T05:00:00.000Z');
    await run('2028-01-10T05:00:00.000Z');
    expect(await rangesOf(projectId)).toEqual([
      ['2027-12-27', '2028-01-02', '2027-12-31'],
      ['2028-01-03', '2028-01-09', '2028-01-07'],
      ['2028-01-10', '2028-01-16', '2028-01-14'],
    ]);
  });
});

describe('exactly once', () => {
  it('running twice in a row, and twice (or three times) at once, for the same moment creates each due period once', async () => {
    const sydney = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    const newYork = await seedProject(weekly, 'America/New_York', '2027-01-13T15:00:00.000Z');
    const notDue = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    // notDue's first period is not due until March (a manual February after January's rest).
    await db().Project.patch({ projectId: notDue }).set(billingDueFields(notDue, '2027-02-28T13:00:00.000Z')).go();

    // In a row: the second run (a duplicate delivery, a retry) finds nothing due.
    const first = await run('2027-01-15T02:15:00.000Z');
    const second = await run('2027-01-15T02:15:00.000Z');
    expect(first.opened.map((p) => p.projectId).sort()).toEqual([sydney, newYork].sort());
    expect(second.opened).toEqual([]);
    expect(await rangesOf(sydney)).toEqual([['2027-01-01', '2027-01-31', '2027-01-25']]);
    expect(await rangesOf(newYork)).toEqual([['2027-01-11', '2027-01-17', '2027-01-15']]);
    expect(await periodsOf(notDue)).toEqual([]);
    expect(await openedEvents()).toHaveLength(2);

    // At once: three runs for 1 February in Sydney (and New York's weeks up to then).
    published.length = 0;
    const moment = '2027-01-31T13:00:00.000Z';
    const runs = await Promise.all([run(moment), run(moment), run(moment)]);
    const opened = runs.flatMap((r) => r.opened);
    expect(new Set(opened.map((p) => p.billingPeriodId)).size).toBe(opened.length);
    expect(await rangesOf(sydney)).toEqual([
      ['2027-01-01', '2027-01-31', '2027-01-25'],
      ['2027-02-01', '2027-02-28', '2027-02-25'],
    ]);
    expect(await rangesOf(newYork)).toEqual([
      ['2027-01-11', '2027-01-17', '2027-01-15'],
      ['2027-01-18', '2027-01-24', '2027-01-22'],
      ['2027-01-25', '2027-01-31', '2027-01-29'],
    ]);
    for (const projectId of [sydney, newYork]) {
      const periods = await periodsOf(projectId);
      expect(periods.filter((p) => p.status === 'open')).toHaveLength(1);
      expect((await projectOf(projectId)).openBillingPeriodId).toBe(periods.at(-1)!.billingPeriodId);
    }
    // Each opened period's event went out once: the run that created a period holds the claim to publish it.
    const events = await openedEvents();
    expect(events.map((e) => e.billingPeriodId).sort()).toEqual(opened.map((p) => p.billingPeriodId).sort());
    expect(events.every((e) => e.source === 'automatic')).toBe(true);
  });

  it('a failed publish loses neither the period nor its event: the run throws, the retry publishes and creates nothing more', async () => {
    const projectId = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    const { partitionsDue } = await dispatch('2027-01-15T02:15:00.000Z');
    expect(partitionsDue).toEqual([billingDuePartitionOf(projectId)]);
    process.env.EVENT_BUS_NAME = 'no-such-bus'; // the bus refuses the worker's entry (FailedEntryCount 1)
    try {
      await expect(workAll('2027-01-15T02:15:00.000Z', partitionsDue)).rejects.toThrow(/1 of 1 due projects failed/);
    } finally {
      process.env.EVENT_BUS_NAME = bus.busName;
    }
    const [jan] = await periodsOf(projectId);
    expect(jan).toMatchObject({ startDate: '2027-01-01', status: 'open', openedEventPublished: false });
    // Still due, so the scheduler's retry comes back to it.
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2026-12-31T13:00:00.000Z');

    const retry = await run('2027-01-15T02:16:00.000Z');
    expect(retry.opened).toEqual([]);
    expect(await periodsOf(projectId)).toHaveLength(1);
    expect(await openedEvents()).toEqual([{ projectId, billingPeriodId: jan!.billingPeriodId, source: 'automatic', startDate: '2027-01-01', endDate: '2027-01-31', dueDate: '2027-01-25', occurredAt: jan!.createdAt }]);
    expect((await periodsOf(projectId))[0]!.openedEventPublished).toBe(true);
    expect((await projectOf(projectId)).nextBillingPeriodAt).toBe('2027-01-31T13:00:00.000Z');
    expect((await run('2027-01-15T02:30:00.000Z')).opened).toEqual([]);
    expect(await openedEvents()).toHaveLength(1);
  });

  it('one failing project does not stop the others; the run throws at the end naming it', async () => {
    const good = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    const bad = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    await db().Project.patch({ projectId: bad }).set({ timeZone: 'Mars/Olympus_Mons' }).go(); // stored before zones were validated
    await expect(run('2027-01-15T02:15:00.000Z')).rejects.toThrow(new RegExp(`due projects failed \\(${bad}\\)`));
    expect(await rangesOf(good)).toEqual([['2027-01-01', '2027-01-31', '2027-01-25']]);
    expect(await periodsOf(bad)).toEqual([]);
  });
});

describe('the sharded due index and its fan-out', () => {
  const moment = '2027-01-15T02:15:00.000Z';

  it('spreads due projects over the shards by their id; the run publishes one event per partition with a project due, and each worker opens its own', async () => {
    const projects = await Promise.all(Array.from({ length: 24 }, () => seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z')));
    const partitions = [...new Set(projects.map(billingDuePartitionOf))].sort();
    expect(partitions.length).toBeGreaterThan(8); // 24 ids over 64 shards: a single partition would mean no spreading
    for (const partition of partitions) {
      expect((await dueProjectIds(partition, new Date(moment))).sort()).toEqual(projects.filter((p) => billingDuePartitionOf(p) === partition).sort());
    }

    const { scheduledTime, partitionsDue } = await dispatch(moment);
    expect([...partitionsDue].sort()).toEqual(partitions);
    await bus.idle();
    const fanOut = published.filter((e) => e.detailType === 'billing-cycle.due').map((e) => e.detail);
    expect(fanOut).toHaveLength(partitions.length);
    expect(fanOut).toEqual(expect.arrayContaining(partitions.map((partition) => ({ scheduledTime, partition }))));

    const { opened } = await workAll(scheduledTime, partitionsDue);
    expect(opened.map((p) => p.projectId).sort()).toEqual([...projects].sort());
    for (const projectId of projects) expect(await rangesOf(projectId)).toEqual([['2027-01-01', '2027-01-31', '2027-01-25']]);
    // Caught up: nothing due any more, so the next run publishes nothing.
    expect((await dispatch(moment)).partitionsDue).toEqual([]);
  });

  it('two workers on the same partition at once (a duplicated event) open each period once and publish its event once', async () => {
    const first = await seedProject(weekly, 'America/New_York', '2027-01-13T15:00:00.000Z');
    // A second project in the same partition: ids are drawn until one hashes there.
    const partition = billingDuePartitionOf(first);
    let secondId: string;
    do secondId = `cycle-${randomUUID().slice(0, 8)}`;
    while (billingDuePartitionOf(secondId) !== partition);
    const second = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z', secondId);
    const before = await work(moment, partition);
    expect(before).toHaveLength(2);

    // 1 February in Sydney: two New York weeks and Sydney's February are due.
    const [a, b] = await Promise.all([work('2027-01-31T13:00:00.000Z', partition), work('2027-01-31T13:00:00.000Z', partition)]);
    const opened = [...before, ...a, ...b];
    expect(new Set(opened.map((p) => p.billingPeriodId)).size).toBe(opened.length);
    expect(await rangesOf(first)).toEqual([
      ['2027-01-11', '2027-01-17', '2027-01-15'],
      ['2027-01-18', '2027-01-24', '2027-01-22'],
      ['2027-01-25', '2027-01-31', '2027-01-29'],
    ]);
    expect(await rangesOf(second)).toEqual([
      ['2027-01-01', '2027-01-31', '2027-01-25'],
      ['2027-02-01', '2027-02-28', '2027-02-25'],
    ]);
    const periods = [...(await periodsOf(first)), ...(await periodsOf(second))];
    expect(opened.map((p) => p.billingPeriodId).sort()).toEqual(periods.map((p) => p.billingPeriodId).sort());
    const events = await openedEvents();
    expect(events.map((e) => e.billingPeriodId).sort()).toEqual(periods.map((p) => p.billingPeriodId).sort());
  });

  it('still finds a project written with the single pre-shard partition, and moves it to its shard when it advances', async () => {
    const projectId = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    // As the code before sharding wrote it: every project in one partition.
    await db().Project.patch({ projectId }).set({ nextBillingPeriodAt: '2026-12-31T13:00:00.000Z', billingDuePartition: legacyBillingDuePartition }).go();
    expect(await dueProjectIds(legacyBillingDuePartition, new Date(moment))).toEqual([projectId]);
    expect(await dueProjectIds(billingDuePartitionOf(projectId), new Date(moment))).toEqual([]);

    const { partitionsDue } = await dispatch(moment);
    expect(partitionsDue).toEqual([legacyBillingDuePartition]);
    expect((await workAll(moment, partitionsDue)).opened.map((p) => p.startDate)).toEqual(['2027-01-01']);
    expect(await dueProjectIds(legacyBillingDuePartition, new Date('9999-12-31T00:00:00.000Z'))).toEqual([]);
    expect(await dueProjectIds(billingDuePartitionOf(projectId), new Date('2027-01-31T13:00:00.000Z'))).toEqual([projectId]);
  });

  it('refuses a patch that moves nextBillingPeriodAt without its partition (it would lose the project from the index)', async () => {
    const projectId = await seedProject(monthly, 'Australia/Sydney', '2027-01-15T02:00:00.000Z');
    await expect(db().Project.patch({ projectId }).set({ nextBillingPeriodAt: '2027-01-31T13:00:00.000Z' }).go()).rejects.toThrow(/billingDueFields/);
  });
});

describe('settings keep nextBillingPeriodAt (PATCH …/settings, POST /v1/projects, periods)', () => {
  const settingsPath = () => `/v1/projects/${fx.projectId}/settings`;
  const patchSettings = async (billingPeriods: Json) => {
    const etag = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: settingsPath() }), 200, 'settings').headers.get('etag')!;
    return expectStatus(
      await call(fx.users.admin.token, { method: 'PATCH', path: settingsPath(), body: { billingPeriods }, headers: { 'if-match': etag } }),
      200,
      'patch settings',
    );
  };

  it('monthly sets it (and puts the project in the due index); never removes it', async () => {
    expect((await projectOf(fx.projectId)).nextBillingPeriodAt).toBeUndefined();
    const before = new Date();
    const changed = await patchSettings({ frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 });
    expect(changed.body.billingPeriods).toMatchObject({ frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 });
    // No period yet: the month containing today in Sydney, which has begun.
    const expected = nextBillingPeriodAt(monthly, 'Australia/Sydney', undefined, before);
    expect((await projectOf(fx.projectId)).nextBillingPeriodAt).toBe(expected);
    expect(await dueProjects()).toContain(fx.projectId);

    // A manual period through the API moves it to the day after that period.
    const created = await call(fx.users.admin.token, {
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/billing-periods`,
      body: { startDate: '2030-01-01', endDate: '2030-01-31', dueDate: '2030-01-25' },
    });
    expectStatus(created, 201, 'manual period');
    expect((await projectOf(fx.projectId)).nextBillingPeriodAt).toBe('2030-01-31T13:00:00.000Z');
    // Weekly from Monday after it: 31 January 2030 is a Thursday, so February's first days finish that week.
    await patchSettings({ frequency: 'weekly', startDay: 1, endDay: 7, dueDay: 5 });
    expect((await projectOf(fx.projectId)).nextBillingPeriodAt).toBe('2030-01-31T13:00:00.000Z');

    await patchSettings({ frequency: 'never' });
    expect((await projectOf(fx.projectId)).nextBillingPeriodAt).toBeUndefined();
    expect(await dueProjects()).not.toContain(fx.projectId);
    await call(fx.users.admin.token, { method: 'DELETE', path: created.headers.get('location')! });
  });

  it('a project created with monthly periods is due from the start', async () => {
    const created = expectStatus(
      await call(fx.users.admin.token, {
        method: 'POST',
        path: '/v1/projects',
        body: { name: 'Auto', number: 'AU-1', timeZone: 'America/New_York', region: 'en-US', billingPeriods: { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 } },
      }),
      201,
      'create project',
    );
    const project = await projectOf(created.body.projectId);
    expect(project.nextBillingPeriodAt).toEqual(expect.stringMatching(/T0[45]:00:00\.000Z$/)); // New York midnight
    expect(await dueProjects()).toContain(created.body.projectId);
    const none = expectStatus(
      await call(fx.users.admin.token, { method: 'POST', path: '/v1/projects', body: { name: 'Manual', number: 'MA-1', timeZone: 'UTC', region: 'en-US' } }),
      201,
      'create project',
    );
    expect((await projectOf(none.body.projectId)).nextBillingPeriodAt).toBeUndefined();
  });
});
