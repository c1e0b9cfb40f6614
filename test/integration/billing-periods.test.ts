import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { db } from '../../shared/db/service';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type Call, type Json, type TestApi } from '../support/api-client';
import { startFixtureApi, type PermissionFixture, type Profile } from '../support/permission-fixtures';

/**
 * Billing periods through the local API Gateway against DynamoDB Local: one open period, no
 * overlaps or duplicates, the date rules, If-Match on edits, deletes refused while invoices use a
 * period, who may do what (docs/permissions.md), and the `billing-period.opened` events (recorded by
 * the local bus instead of delivered).
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

const admin = () => fx.users.admin.token;
const periodsOf = (projectId: string) => `/v1/projects/${projectId}/billing-periods`;
const dates = (startDate: string, endDate: string, dueDate: string) => ({ startDate, endDate, dueDate });

/** A project of its own (frequency never), created by the fixture's admin through the API. */
async function freshProject(timeZone = 'Australia/Sydney'): Promise<string> {
  const created = await call(admin(), { method: 'POST', path: '/v1/projects', body: { name: 'Periods test', number: 'PT-1', timeZone, region: 'en-AU' } });
  return expectStatus(created, 201, 'create a project').body.projectId;
}

const create = (projectId: string, body: unknown, token = admin()) => call(token, { method: 'POST', path: periodsOf(projectId), body });
const createOk = async (projectId: string, body: ReturnType<typeof dates>) => expectStatus(await create(projectId, body), 201, `create ${body.startDate}`);
const get = (path: string, token = admin()) => call(token, { method: 'GET', path });
const listAll = async (projectId: string) => expectStatus(await get(`${periodsOf(projectId)}?limit=100`), 200, 'list').body.items as Json[];

describe('creating periods (POST …/billing-periods)', () => {
  it('opens each new period, closes the previous one, and lists them in date order', async () => {
    const projectId = await freshProject();
    const jan = await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    expect(jan.body).toMatchObject({
      projectId,
      position: 1,
      startDate: '2027-01-01',
      endDate: '2027-01-31',
      dueDate: '2027-01-25',
      status: 'open',
      source: 'manual',
      invoiceCount: 0,
      closedAt: null,
      version: 1,
      createdBy: fx.users.admin.userId,
    });
    expect(jan.headers.get('location')).toBe(`${periodsOf(projectId)}/${jan.body.billingPeriodId}`);
    expect(jan.headers.get('etag')).toBe('"1"');
    expect(expectStatus(await get(`${periodsOf(projectId)}/current`), 200, 'current').body.billingPeriodId).toBe(jan.body.billingPeriodId);

    const feb = await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));
    expect(feb.body).toMatchObject({ position: 2, status: 'open' });
    const janNow = expectStatus(await get(jan.headers.get('location')!), 200, 'read January');
    expect(janNow.body).toMatchObject({ status: 'closed', version: 2, closedAt: expect.any(String) });
    expect(janNow.headers.get('etag')).toBe('"2"');
    expect(expectStatus(await get(`${periodsOf(projectId)}/current`), 200, 'current').body.billingPeriodId).toBe(feb.body.billingPeriodId);

    // A later period created first still lists after the earlier one: the list is in date order.
    await createOk(projectId, dates('2027-03-01', '2027-03-31', '2027-03-25'));
    const items = await listAll(projectId);
    expect(items.map((p) => [p.position, p.startDate, p.status])).toEqual([
      [1, '2027-01-01', 'closed'],
      [2, '2027-02-01', 'closed'],
      [3, '2027-03-01', 'open'],
    ]);
    const { data: project } = await db().Project.get({ projectId }).go();
    expect(project).toMatchObject({ openBillingPeriodId: items[2].billingPeriodId, periodsVersion: 3 });

    // Each creation published billing-period.opened, source manual.
    await bus.idle();
    expect(published.filter((e) => e.detailType === 'billing-period.opened')).toEqual(
      items.map((p) => ({
        detailType: 'billing-period.opened',
        detail: { projectId, billingPeriodId: p.billingPeriodId, source: 'manual', startDate: p.startDate, endDate: p.endDate, dueDate: p.dueDate, occurredAt: p.createdAt },
      })),
    );
    const { data: stored } = await db().BillingPeriod.get({ projectId, billingPeriodId: items[0].billingPeriodId }).go();
    expect(stored?.openedEventPublished).toBe(true);
  });

  it('refuses duplicates and overlaps with a 409 naming the dates, and periods before the latest', async () => {
    const projectId = await freshProject();
    await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));

    const duplicate = expectProblem(await create(projectId, dates('2027-02-01', '2027-02-28', '2027-02-20')), 409, 'conflict');
    expect(duplicate.detail).toMatch(/2027-02-01 – 2027-02-28 already exists: period 2/);
    const overlap = expectProblem(await create(projectId, dates('2027-02-15', '2027-03-14', '2027-03-10')), 409, 'conflict');
    expect(overlap.detail).toMatch(/2027-02-15 – 2027-03-14 overlaps period 2 \(2027-02-01 – 2027-02-28\)/);
    const inside = expectProblem(await create(projectId, dates('2027-01-10', '2027-01-12', '2027-01-10')), 409, 'conflict');
    expect(inside.detail).toMatch(/overlaps period 1 \(2027-01-01 – 2027-01-31\)/);
    const before = expectProblem(await create(projectId, dates('2026-12-01', '2026-12-31', '2026-12-25')), 409, 'conflict');
    expect(before.detail).toMatch(/after the latest one, period 2 \(2027-02-01 – 2027-02-28\)/);
    expect(await listAll(projectId)).toHaveLength(2);
  });

  it('creates one period when the same range is posted twice at once', async () => {
    const projectId = await freshProject();
    const body = dates('2027-05-01', '2027-05-31', '2027-05-25');
    const answers = await Promise.all([create(projectId, body), create(projectId, body), create(projectId, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    expect(await listAll(projectId)).toHaveLength(1);
  });

  it('answers a replay with the same Idempotency-Key with the first answer', async () => {
    const projectId = await freshProject();
    const request = { method: 'POST' as const, path: periodsOf(projectId), body: dates('2027-06-01', '2027-06-30', '2027-06-25'), headers: { 'idempotency-key': 'period-retry-1' } };
    const first = expectStatus(await call(admin(), request), 201, 'first');
    const replay = expectStatus(await call(admin(), request), 201, 'replay');
    expect(replay.body).toEqual(first.body);
    expect(await listAll(projectId)).toHaveLength(1);
  });

  it('answers 201 when the bus refuses the opened event, and publishes it with the next period', async () => {
    const projectId = await freshProject();
    process.env.EVENT_BUS_NAME = 'no-such-bus';
    let jan;
    try {
      jan = await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    } finally {
      process.env.EVENT_BUS_NAME = bus.busName;
    }
    const stored = async (billingPeriodId: string) => (await db().BillingPeriod.get({ projectId, billingPeriodId }).go()).data!;
    expect(await stored(jan.body.billingPeriodId)).toMatchObject({ openedEventPublished: false });

    const feb = await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));
    await bus.idle();
    expect(published.map((e) => e.detail.billingPeriodId).sort()).toEqual([jan.body.billingPeriodId, feb.body.billingPeriodId].sort());
    expect(await stored(jan.body.billingPeriodId)).toMatchObject({ openedEventPublished: true });
    expect((await stored(jan.body.billingPeriodId)).openedEventClaimedAt).toBeUndefined();
  });

  it('refuses a due date before the start, an end before the start, and dates that are not dates (400)', async () => {
    const projectId = await freshProject();
    const early = expectProblem(await create(projectId, dates('2027-01-01', '2027-01-31', '2026-12-31')), 400, 'validation');
    expect(fieldsOf(early)).toEqual(['dueDate']);
    expect(early.errors[0].message).toMatch(/2026-12-31 is before the start date 2027-01-01/);
    const backwards = expectProblem(await create(projectId, dates('2027-01-31', '2027-01-01', '2027-01-31')), 400, 'validation');
    expect(fieldsOf(backwards)).toEqual(['endDate']);
    const notDates = expectProblem(await create(projectId, dates('2027-02-29', '31/01/2027', '2027-02-01')), 400, 'validation');
    expect(fieldsOf(notDates).sort()).toEqual(['endDate', 'startDate']);
    const extra = expectProblem(await create(projectId, { ...dates('2027-01-01', '2027-01-31', '2027-01-25'), status: 'closed' }), 400, 'validation');
    expect(fieldsOf(extra)).toEqual(['']);
    expect(await listAll(projectId)).toHaveLength(0);
  });
});

describe('reading periods', () => {
  it('404s the current period when none is open, and periods that do not exist', async () => {
    const projectId = await freshProject();
    expect(expectProblem(await get(`${periodsOf(projectId)}/current`), 404, 'not-found').detail).toMatch(/No billing period is open/);
    expectProblem(await get(`${periodsOf(projectId)}/no-such-period`), 404, 'not-found');
    expect(expectStatus(await get(periodsOf(projectId)), 200, 'empty list').body).toEqual({ items: [], nextCursor: null });
  });

  it('pages the list with a cursor that only this list accepts', async () => {
    const projectId = await freshProject();
    for (const month of ['01', '02', '03']) await createOk(projectId, dates(`2027-${month}-01`, `2027-${month}-20`, `2027-${month}-15`));
    const first = expectStatus(await get(`${periodsOf(projectId)}?limit=2`), 200, 'page 1').body;
    expect(first.items.map((p: Json) => p.startDate)).toEqual(['2027-01-01', '2027-02-01']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectStatus(await get(`${periodsOf(projectId)}?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`), 200, 'page 2').body;
    expect(second.items.map((p: Json) => p.startDate)).toEqual(['2027-03-01']);
    expect(second.nextCursor).toBeNull();
    // Replayed against another project's list: 400, never rows.
    const other = await freshProject();
    const replayed = expectProblem(await get(`${periodsOf(other)}?cursor=${encodeURIComponent(first.nextCursor)}`), 400, 'validation');
    expect(fieldsOf(replayed)).toEqual(['cursor']);
  });
});

describe('editing periods (PATCH …/billing-periods/{id})', () => {
  it('changes dates with If-Match: 428 without, 412 when stale, the same rules as creation', async () => {
    const projectId = await freshProject();
    const jan = await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));
    const url = jan.headers.get('location')!;
    const patch = (body: unknown, ifMatch?: string) => call(admin(), { method: 'PATCH', path: url, body, headers: ifMatch ? { 'if-match': ifMatch } : {} });

    expectProblem(await patch({ dueDate: '2027-01-20' }), 428, 'precondition-required');
    expectProblem(await patch({ dueDate: '2027-01-20' }, '"1"'), 412, 'precondition-failed'); // closing it moved it to 2
    const changed = expectStatus(await patch({ dueDate: '2027-01-20', endDate: '2027-01-30' }, '"2"'), 200, 'edit');
    expect(changed.body).toMatchObject({ startDate: '2027-01-01', endDate: '2027-01-30', dueDate: '2027-01-20', version: 3, status: 'closed' });
    expect(changed.headers.get('etag')).toBe('"3"');

    const overlap = expectProblem(await patch({ endDate: '2027-02-03' }, '"3"'), 409, 'conflict');
    expect(overlap.detail).toMatch(/2027-01-01 – 2027-02-03 overlaps period 2 \(2027-02-01 – 2027-02-28\)/);
    const past = expectProblem(await patch({ startDate: '2027-03-01', endDate: '2027-03-31', dueDate: '2027-03-25' }, '"3"'), 409, 'conflict');
    expect(past.detail).toMatch(/would move past period 2/);
    const early = expectProblem(await patch({ startDate: '2027-01-22' }, '"3"'), 400, 'validation');
    expect(fieldsOf(early)).toEqual(['dueDate']);
    expectProblem(await patch({}, '"3"'), 400, 'validation');
    expect(expectStatus(await get(url), 200, 'read').body).toMatchObject({ endDate: '2027-01-30', version: 3 });
  });
});

describe('closing and deleting periods', () => {
  it('closes the open period, leaving none open; closing it again is a 409', async () => {
    const projectId = await freshProject();
    const jan = await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    const close = (ifMatch?: string) =>
      call(admin(), { method: 'POST', path: `${jan.headers.get('location')}/close`, headers: ifMatch ? { 'if-match': ifMatch } : {} });
    expectProblem(await close('"7"'), 412, 'precondition-failed');
    const closed = expectStatus(await close('"1"'), 200, 'close');
    expect(closed.body).toMatchObject({ status: 'closed', version: 2, closedAt: expect.any(String) });
    expectProblem(await get(`${periodsOf(projectId)}/current`), 404, 'not-found');
    expect(expectProblem(await close(), 409, 'conflict').detail).toMatch(/already closed/);
    const { data: project } = await db().Project.get({ projectId }).go();
    expect(project?.openBillingPeriodId).toBeUndefined();
  });

  it('refuses to delete a period an invoice uses (409); deleting the open period leaves none open', async () => {
    const projectId = await freshProject();
    const jan = await createOk(projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    const feb = await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));
    // Invoices (issue 5) count themselves on the period.
    await db().BillingPeriod.patch({ projectId, billingPeriodId: jan.body.billingPeriodId }).set({ invoiceCount: 2 }).go();

    const refused = expectProblem(await call(admin(), { method: 'DELETE', path: jan.headers.get('location')! }), 409, 'conflict');
    expect(refused.detail).toMatch(/period 1 \(2027-01-01 – 2027-01-31\) is used by 2 invoices/);
    expectProblem(await call(admin(), { method: 'DELETE', path: feb.headers.get('location')!, headers: { 'if-match': '"9"' } }), 412, 'precondition-failed');
    expectStatus(await call(admin(), { method: 'DELETE', path: feb.headers.get('location')!, headers: { 'if-match': '"1"' } }), 204, 'delete February');

    expectProblem(await get(`${periodsOf(projectId)}/current`), 404, 'not-found');
    expectProblem(await get(feb.headers.get('location')!), 404, 'not-found');
    expect((await listAll(projectId)).map((p) => p.startDate)).toEqual(['2027-01-01']);
    expectProblem(await call(admin(), { method: 'DELETE', path: feb.headers.get('location')! }), 404, 'not-found');
    // The next period takes position 2 again: positions follow the periods that exist.
    expect((await createOk(projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'))).body.position).toBe(2);
  });
});

describe('who may do what (docs/permissions.md: billing periods are admin-managed; lists are read_only+)', () => {
  let periodUrl: string;
  beforeAll(async () => {
    const created = await createOk(fx.projectId, dates('2027-01-01', '2027-01-31', '2027-01-25'));
    periodUrl = created.headers.get('location')!;
  });

  const readers: Profile[] = ['admin', 'standard', 'read_only', 'read_only+contact', 'standard+contact'];
  it.each(readers)('%s lists, reads and reads the current period', async (profile) => {
    const token = fx.users[profile].token;
    expect(expectStatus(await get(periodsOf(fx.projectId), token), 200, 'list').body.items.length).toBeGreaterThan(0);
    expectStatus(await get(periodUrl, token), 200, 'read');
    expectStatus(await get(`${periodsOf(fx.projectId)}/current`, token), 200, 'current');
  });

  it('a member with no commitments level gets 403 naming the level', async () => {
    const token = fx.users.none.token;
    expectRefusal(await get(periodsOf(fx.projectId), token), 403, /none/);
    expectRefusal(await get(periodUrl, token), 403, /none/);
    expectRefusal(await get(`${periodsOf(fx.projectId)}/current`, token), 403, /none/);
  });

  it.each(['standard', 'read_only', 'none'] as const)('%s may not create, edit, close or delete (403)', async (profile) => {
    const token = fx.users[profile].token;
    expectRefusal(await create(fx.projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'), token), 403, new RegExp(profile));
    expectRefusal(await call(token, { method: 'PATCH', path: periodUrl, body: { dueDate: '2027-01-20' }, headers: { 'if-match': '"1"' } }), 403, new RegExp(profile));
    expectRefusal(await call(token, { method: 'POST', path: `${periodUrl}/close` }), 403, new RegExp(profile));
    expectRefusal(await call(token, { method: 'DELETE', path: periodUrl }), 403, new RegExp(profile));
  });

  it.each(['other_company_admin', 'not_a_member'] as const)('%s sees nothing of the project (404)', async (profile) => {
    const token = fx.users[profile].token;
    for (const response of [
      await get(periodsOf(fx.projectId), token),
      await get(periodUrl, token),
      await get(`${periodsOf(fx.projectId)}/current`, token),
      await create(fx.projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'), token),
      await call(token, { method: 'PATCH', path: periodUrl, body: { dueDate: '2027-01-20' }, headers: { 'if-match': '"1"' } }),
      await call(token, { method: 'POST', path: `${periodUrl}/close` }),
      await call(token, { method: 'DELETE', path: periodUrl }),
    ]) {
      expectRefusal(response, 404);
    }
    // B's admin reading B's own project finds no periods there either.
    expect(expectStatus(await get(periodsOf(fx.other.projectId), fx.users.other_company_admin.token), 200, 'own list').body.items).toEqual([]);
  });

  it('the admin creates, edits, closes and deletes', async () => {
    const feb = await createOk(fx.projectId, dates('2027-02-01', '2027-02-28', '2027-02-25'));
    const url = feb.headers.get('location')!;
    expectStatus(await call(admin(), { method: 'PATCH', path: url, body: { dueDate: '2027-02-20' }, headers: { 'if-match': '"1"' } }), 200, 'edit');
    expectStatus(await call(admin(), { method: 'POST', path: `${url}/close` }), 200, 'close');
    expectStatus(await call(admin(), { method: 'DELETE', path: url }), 204, 'delete');
    // January is still closed (February's creation closed it), and nothing is open now.
    expect(expectStatus(await get(periodUrl), 200, 'January').body.status).toBe('closed');
    expectProblem(await get(`${periodsOf(fx.projectId)}/current`), 404, 'not-found');
  });
});
