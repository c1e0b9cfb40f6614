import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/service';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { contactInProjects } from '../support/my-work-fixtures';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { handler as tasksResync } from '../../functions/events/tasks-resync';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectStatus, fieldsOf, type Call, type Json, type TestApi } from '../support/api-client';
import {
  createBillingPeriod,
  createCommitment,
  sendInvites,
  startFixtureApi,
  type PermissionFixture,
  type TestBillingPeriod,
} from '../support/permission-fixtures';

/**
 * GET /v1/me/tasks through the local API Gateway against DynamoDB Local: invites to answer and
 * to bill for the commitment's contacts only, a task gone as soon as it is done or no longer the
 * caller's, the kind filter, and the page cost: the same two DynamoDB requests for a caller in
 * one project or in twenty.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let period: TestBillingPeriod;
let bus: LocalEventBus;
let published: RecordedEvent[] = [];
const today = localDate(new Date(), 'Australia/Sydney');

const tasksOf = async (token: string, query = ''): Promise<Json> =>
  expectStatus(await call(token, { method: 'GET', path: `/v1/me/tasks${query}` }), 200, `my tasks ${query}`).body;
const forCommitment = (body: Json, commitmentId: string) => body.items.filter((item: Json) => item.commitment.commitmentId === commitmentId);
const respond = (token: string, inviteId: string, accept: boolean) =>
  call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${inviteId}/response`, body: { accept } });

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
  period = await createBillingPeriod(call, fx, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
});

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
});

describe('invites in my work', () => {
  it('an invite is for its contacts to answer, then to bill once accepted; nobody else sees it', async () => {
    const commitment = await createCommitment(call, fx, { sov: false });
    const [inviteId] = await sendInvites(call, fx, period, [commitment]);

    for (const contact of ['read_only+contact', 'standard+contact'] as const) {
      const [task, ...more] = forCommitment(await tasksOf(fx.users[contact].token), commitment.commitmentId);
      expect(more).toEqual([]);
      expect(task).toEqual({
        kind: 'answer_invite',
        dueDate: addDays(today, 20),
        project: { projectId: fx.projectId, name: 'Harbour Tower', number: 'HT-TEST' },
        commitment: { commitmentId: commitment.commitmentId, number: commitment.number, title: expect.any(String), vendorName: fx.vendorName },
        billingPeriod: { billingPeriodId: period.billingPeriodId, startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) },
        invoice: null,
        invite: { inviteId, status: 'invited' },
      });
    }
    // Administrators send invites, they do not answer them; other members have nothing to do.
    for (const profile of ['admin', 'standard', 'read_only', 'standard+private_list'] as const) {
      expect(forCommitment(await tasksOf(fx.users[profile].token), commitment.commitmentId), profile).toEqual([]);
    }

    expectStatus(await respond(fx.users['read_only+contact'].token, inviteId!, true), 200, 'accept');
    for (const contact of ['read_only+contact', 'standard+contact'] as const) {
      const tasks = forCommitment(await tasksOf(fx.users[contact].token), commitment.commitmentId);
      expect(tasks.map((task: Json) => [task.kind, task.invite.status])).toEqual([['create_invoice', 'accepted']]);
    }
  });

  it('a declined invite leaves no task; a contact no longer designated stops seeing it at once', async () => {
    const [declined, moved] = [await createCommitment(call, fx, { sov: false }), await createCommitment(call, fx, { sov: false })];
    const [declinedInvite] = await sendInvites(call, fx, period, [declined, moved]);
    expectStatus(await respond(fx.users['standard+contact'].token, declinedInvite!, false), 200, 'decline');
    expect(forCommitment(await tasksOf(fx.users['standard+contact'].token), declined.commitmentId)).toEqual([]);
    expect(forCommitment(await tasksOf(fx.users['read_only+contact'].token), declined.commitmentId)).toEqual([]);

    // The designation changes without touching the invite: the policy decides at read time.
    await db()
      .Commitment.patch({ projectId: fx.projectId, commitmentId: moved.commitmentId })
      .set({ invoiceContactIds: [fx.users['standard+contact'].userId] })
      .go();
    expect(forCommitment(await tasksOf(fx.users['read_only+contact'].token), moved.commitmentId)).toEqual([]);
    expect(forCommitment(await tasksOf(fx.users['standard+contact'].token), moved.commitmentId).map((t: Json) => t.kind)).toEqual(['answer_invite']);
  });

  it('filters by kind (a comma list or the parameter repeated) and names a bad kind', async () => {
    const token = fx.users['read_only+contact'].token;
    await sendInvites(call, fx, period, [await createCommitment(call, fx, { sov: false })]);
    const all = await tasksOf(token);
    const answers = await tasksOf(token, '?kind=answer_invite');
    expect(answers.items.length).toBeGreaterThan(0);
    expect(answers.items.every((item: Json) => item.kind === 'answer_invite')).toBe(true);
    const both = await tasksOf(token, '?kind=answer_invite&kind=create_invoice');
    expect(both.items).toEqual(all.items);
    expect((await tasksOf(token, '?kind=answer_invite,create_invoice')).items).toEqual(all.items);

    const bad = expectProblem(await call(token, { method: 'GET', path: '/v1/me/tasks?kind=answer_invite,sleep' }), 400, 'validation');
    expect(fieldsOf(bad)).toEqual(['kind']);
    expectProblem(await call(token, { method: 'GET', path: '/v1/me/tasks?limit=21' }), 400, 'validation');
  });
});

describe('invoices in my work', () => {
  const setStatus = async (token: string, invoiceId: string, status: string) => {
    const { data } = await db().Invoice.get({ projectId: fx.projectId, invoiceId }).go({ consistent: true });
    return call(token, {
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/invoices/${invoiceId}/status`,
      body: { status },
      headers: { 'if-match': `"${data!.version}"` },
    });
  };
  const kindsFor = async (profile: keyof PermissionFixture['users'], commitmentId: string) =>
    forCommitment(await tasksOf(fx.users[profile].token), commitmentId).map((task: Json) => task.kind);

  it('follows the invoice: contacts submit, administrators review, contacts revise; a new administrator gets the reviews waiting', async () => {
    const commitment = await createCommitment(call, fx);
    const [inviteId] = await sendInvites(call, fx, period, [commitment]);
    expectStatus(await respond(fx.users['read_only+contact'].token, inviteId!, true), 200, 'accept');
    expect(await kindsFor('standard+contact', commitment.commitmentId)).toEqual(['create_invoice']);

    const created = expectStatus(
      await call(fx.users['read_only+contact'].token, { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'progress' } }),
      201,
      'create the invoice',
    ).body;
    // Creating the invoice bills the invite: the contacts now have the draft to submit.
    for (const contact of ['read_only+contact', 'standard+contact'] as const) {
      const [task, ...more] = forCommitment(await tasksOf(fx.users[contact].token), commitment.commitmentId);
      expect(more).toEqual([]);
      expect(task).toMatchObject({ kind: 'submit_invoice', invoice: { invoiceId: created.invoiceId, number: created.number, status: 'draft' }, invite: null });
    }
    expect(await kindsFor('admin', commitment.commitmentId)).toEqual([]);

    expectStatus(await setStatus(fx.users['read_only+contact'].token, created.invoiceId, 'under_review'), 200, 'submit');
    expect(await kindsFor('read_only+contact', commitment.commitmentId)).toEqual([]);
    expect(await kindsFor('admin', commitment.commitmentId)).toEqual(['review_invoice']);
    // Standard members may view and forward invoices, not review them.
    expect(await kindsFor('standard', commitment.commitmentId)).toEqual([]);

    // Made administrator while the invoice waits: the review is theirs at once; demoted, it is gone.
    const promote = (commitments: string) =>
      call(fx.users.admin.token, {
        method: 'PUT',
        path: `/v1/projects/${fx.projectId}/members/${fx.users.standard.userId}`,
        body: { commitments, headContracts: 'standard', granular: [] },
      });
    expectStatus(await promote('admin'), 200, 'make standard an admin');
    expect(await kindsFor('standard', commitment.commitmentId)).toEqual(['review_invoice']);
    expectStatus(await promote('standard'), 200, 'and back');
    expect(await kindsFor('standard', commitment.commitmentId)).toEqual([]);
    expect(await db().Task.query.byAssignee({ userId: fx.users.standard.userId }).go().then(({ data }) => data)).toEqual([]);

    expectStatus(await setStatus(fx.users.admin.token, created.invoiceId, 'revise_and_resubmit'), 200, 'send back');
    expect(await kindsFor('admin', commitment.commitmentId)).toEqual([]);
    expect(await kindsFor('standard+contact', commitment.commitmentId)).toEqual(['resubmit_invoice']);

    expectStatus(await setStatus(fx.users.admin.token, created.invoiceId, 'approved'), 200, 'approve');
    for (const profile of ['admin', 'read_only+contact', 'standard+contact'] as const) {
      expect(await kindsFor(profile, commitment.commitmentId), profile).toEqual([]);
    }
    // The history names who did what, beside their ids.
    const history = expectStatus(
      await call(fx.users.admin.token, { method: 'GET', path: `/v1/projects/${fx.projectId}/invoices/${created.invoiceId}/history` }),
      200,
      'history',
    ).body;
    const contact = fx.users['read_only+contact'];
    expect(history.items.map((event: Json) => [event.type, event.by, event.byName])).toEqual([
      ['created', contact.userId, contact.name],
      ['status_changed', contact.userId, contact.name],
      ['status_changed', fx.users.admin.userId, fx.users.admin.name],
      ['status_changed', fx.users.admin.userId, fx.users.admin.name],
    ]);
    // Nothing left behind in the index either.
    const { data: left } = await db().Task.query.bySubject({ projectId: fx.projectId, subjectId: created.invoiceId }).go();
    expect(left).toEqual([]);
  });
});

describe('tasks follow the commitment', () => {
  const setContacts = async (commitment: { commitmentId: string; path: string }, contacts: Array<keyof PermissionFixture['users']>) => {
    const { data } = await db().Commitment.get({ projectId: fx.projectId, commitmentId: commitment.commitmentId }).go({ consistent: true });
    const body = { invoiceContactIds: contacts.map((profile) => fx.users[profile].userId) };
    expectStatus(await call(fx.users.admin.token, { method: 'PATCH', path: commitment.path, body, headers: { 'if-match': `"${data!.version}"` } }), 200, 'set contacts');
  };
  const kindsFor = async (profile: keyof PermissionFixture['users'], commitmentId: string) =>
    forCommitment(await tasksOf(fx.users[profile].token), commitmentId).map((task: Json) => task.kind);
  /** What the index holds, not only what a page shows (a page re-checks the policy anyway). */
  const storedKinds = async (profile: keyof PermissionFixture['users'], commitmentId: string) =>
    (await db().Task.query.byAssignee({ userId: fx.users[profile].userId }).go({ pages: 'all' })).data
      .filter((task) => task.commitmentId === commitmentId)
      .map((task) => task.kind);

  it('a change of invoice contacts moves the open invite and invoice tasks to the new contacts', async () => {
    const commitment = await createCommitment(call, fx, { contactIds: [fx.users['standard+contact'].userId] });
    const [inviteId] = await sendInvites(call, fx, period, [commitment]);
    expect(await kindsFor('read_only+contact', commitment.commitmentId)).toEqual([]);

    await setContacts(commitment, ['read_only+contact']);
    expect(await kindsFor('read_only+contact', commitment.commitmentId)).toEqual(['answer_invite']);
    expect(await kindsFor('standard+contact', commitment.commitmentId)).toEqual([]);
    expect(await storedKinds('standard+contact', commitment.commitmentId)).toEqual([]);

    expectStatus(await respond(fx.users['read_only+contact'].token, inviteId!, true), 200, 'accept');
    const created = expectStatus(
      await call(fx.users['read_only+contact'].token, { method: 'POST', path: `${commitment.path}/invoices`, body: { kind: 'progress' } }),
      201,
      'create the invoice',
    ).body;
    await setContacts(commitment, ['read_only+contact', 'standard+contact']);
    for (const contact of ['read_only+contact', 'standard+contact'] as const) {
      const tasks = forCommitment(await tasksOf(fx.users[contact].token), commitment.commitmentId);
      expect(tasks.map((task: Json) => [task.kind, task.invoice.invoiceId, task.dueDate]), contact).toEqual([['submit_invoice', created.invoiceId, addDays(today, 20)]]);
    }
    await setContacts(commitment, ['standard+contact']);
    expect(await storedKinds('read_only+contact', commitment.commitmentId)).toEqual([]);
    expect(await storedKinds('standard+contact', commitment.commitmentId)).toEqual(['submit_invoice']);
  });
});

describe('tasks follow the due date', () => {
  /** Moves the due date through HTTP, then delivers the `tasks.resync` event its outbox record published, as EventBridge would. */
  const setDueDate = async (dueDate: string) => {
    const current = expectStatus(await call(fx.users.admin.token, { method: 'GET', path: period.path }), 200, 'read the period');
    const headers = { 'if-match': current.headers.get('etag')! };
    expectStatus(await call(fx.users.admin.token, { method: 'PATCH', path: period.path, body: { dueDate }, headers }), 200, 'move the due date');
    await expect.poll(() => published.filter((event) => event.detailType === 'tasks.resync').length, { timeout: 15_000 }).toBe(1);
    const [event] = published.splice(published.findIndex((e) => e.detailType === 'tasks.resync'), 1);
    expect(event!.detail).toEqual({ projectId: fx.projectId, billingPeriodId: period.billingPeriodId });
    return event!.detail;
  };
  /** The contact's tasks of this period as the index orders them (what a page is sorted by). */
  const periodDueDates = async () => {
    const { data } = await db().Task.query.byAssignee({ userId: fx.users['standard+contact'].userId }).go({ pages: 'all' });
    return data.filter((task) => task.projectId === fx.projectId && task.billingPeriodId === period.billingPeriodId).map((task) => task.dueDate);
  };

  it("a new due date re-dates the period's tasks through the outbox, and moving it back restores them", async () => {
    await sendInvites(call, fx, period, [await createCommitment(call, fx, { sov: false })]);
    expect(new Set(await periodDueDates())).toEqual(new Set([addDays(today, 20)]));

    const detail = await setDueDate(addDays(today, 22));
    expect(await tasksResync(deliveredEvent('tasks.resync', detail))).toMatchObject({ status: 'done', rewritten: expect.any(Number) });
    expect([...new Set(await periodDueDates())]).toEqual([addDays(today, 22)]);
    // Delivered again (at least once): nothing left to rewrite.
    expect(await tasksResync(deliveredEvent('tasks.resync', detail))).toEqual({ status: 'done', rewritten: 0 });
    const page = await tasksOf(fx.users['standard+contact'].token, '?limit=20');
    const dueDates = page.items.map((item: Json) => item.dueDate);
    expect(dueDates).toEqual([...dueDates].sort());
    const ofPeriod = page.items.filter((item: Json) => item.billingPeriod.billingPeriodId === period.billingPeriodId);
    expect(ofPeriod.length).toBeGreaterThan(0);
    expect(ofPeriod.every((item: Json) => item.dueDate === addDays(today, 22))).toBe(true);

    await tasksResync(deliveredEvent('tasks.resync', await setDueDate(addDays(today, 20))));
    expect([...new Set(await periodDueDates())]).toEqual([addDays(today, 20)]);
  });
});

describe('lists across statuses, since a time, and mine', () => {
  const list = async (token: string, path: string) => expectStatus(await call(token, { method: 'GET', path }), 200, `GET ${path}`).body;

  it('commitments take `contact=me`, several statuses and `updatedSince`', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const mine = await createCommitment(call, fx, { sov: false, contactIds: [fx.users['standard+contact'].userId] });
    const theirs = await createCommitment(call, fx, { sov: false, contactIds: [fx.users['read_only+contact'].userId] });
    const base = `/v1/projects/${fx.projectId}/commitments`;
    const contactOnly = await list(fx.users['standard+contact'].token, `${base}?contact=me&limit=100`);
    const ids = contactOnly.items.map((item: Json) => item.commitmentId);
    expect(ids).toContain(mine.commitmentId);
    expect(ids).not.toContain(theirs.commitmentId);
    expect(contactOnly.items.every((item: Json) => item.invoiceContactIds.includes(fx.users['standard+contact'].userId))).toBe(true);
    // The list names the contacts (one BatchGet per page).
    const contactId = fx.users['standard+contact'].userId;
    const contactName = (await db().User.get({ userId: contactId }).go()).data!.name;
    expect(contactOnly.items.find((item: Json) => item.commitmentId === mine.commitmentId).invoiceContacts).toEqual([{ userId: contactId, name: contactName }]);

    const recent = await list(fx.users.admin.token, `${base}?updatedSince=${encodeURIComponent(before)}&status=draft,approved&limit=100`);
    expect(recent.items.map((item: Json) => item.commitmentId)).toEqual(expect.arrayContaining([mine.commitmentId, theirs.commitmentId]));
    expect(recent.items.every((item: Json) => item.updatedAt >= before && ['draft', 'approved'].includes(item.status))).toBe(true);
    const future = await list(fx.users.admin.token, `${base}?updatedSince=2999-01-01T00:00:00%2B10:00`);
    expect(future.items).toEqual([]);

    const bad = expectProblem(await call(fx.users.admin.token, { method: 'GET', path: `${base}?status=draft,paid&updatedSince=yesterday` }), 400, 'validation');
    expect(fieldsOf(bad).sort()).toEqual(['status', 'updatedSince']);
  });

  it('`sort` takes only the orders an index gives, ascending or descending; any other is a 400 naming it', async () => {
    const project = `/v1/projects/${fx.projectId}`;
    const numbers = async (sort: string) => (await list(fx.users.admin.token, `${project}/commitments?limit=100&sort=${sort}`)).items.map((item: Json) => item.number);
    const ascending = await numbers('number');
    expect(ascending.length).toBeGreaterThan(1);
    expect(ascending).toEqual([...ascending].sort());
    expect(await numbers('-number')).toEqual([...ascending].reverse());

    const starts = async (sort: string) => (await list(fx.users.admin.token, `${project}/billing-periods?sort=${sort}`)).items.map((item: Json) => item.startDate);
    expect(await starts('-startDate')).toEqual([...(await starts('startDate'))].reverse());

    for (const path of [`${project}/commitments?sort=createdAt`, `${project}/billing-periods?sort=dueDate`, `${project}/invoices?sort=position`]) {
      const refused = expectProblem(await call(fx.users.admin.token, { method: 'GET', path }), 400, 'validation');
      expect(fieldsOf(refused), path).toEqual(['sort']);
    }
  });

  it('invoices take several statuses (repeated or comma-separated) and `updatedSince`', async () => {
    const base = `/v1/projects/${fx.projectId}/invoices?limit=100`;
    const all = await list(fx.users.admin.token, base);
    const statuses = new Set(all.items.map((item: Json) => item.status));
    expect(statuses.size).toBeGreaterThan(0);
    const some = await list(fx.users.admin.token, `${base}&status=approved&status=draft`);
    expect(some.items.every((item: Json) => ['approved', 'draft'].includes(item.status))).toBe(true);
    expect(some.items.length).toBe(all.items.filter((item: Json) => ['approved', 'draft'].includes(item.status)).length);
    expect((await list(fx.users.admin.token, `${base}&status=approved,draft`)).items).toEqual(some.items);
    expect((await list(fx.users.admin.token, `${base}&updatedSince=2999-01-01T00:00:00Z`)).items).toEqual([]);
  });
});

describe('the cost of a page', () => {
  async function tokenInProjects(count: number) {
    const user = await contactInProjects(count, { companyId: fx.companyId, vendorId: fx.vendorId, vendorName: fx.vendorName, today });
    return api.idp.signToken({ sub: user.userId, email: user.email, name: user.name });
  }

  /** The page and the DynamoDB requests it took (every command the shared client sent meanwhile). */
  async function countedPage(token: string, query: string) {
    let requests = 0;
    const name = `count-${randomUUID()}`;
    dynamoDocumentClient().middlewareStack.add((next) => (args) => ((requests += 1), next(args)), { step: 'initialize', name });
    try {
      return { body: await tasksOf(token, query), requests };
    } finally {
      dynamoDocumentClient().middlewareStack.remove(name);
    }
  }

  it('is two DynamoDB requests (one Query, one BatchGet) for a caller in 1 project and in 20', async () => {
    const one = await countedPage(await tokenInProjects(1), '');
    expect(one.body.items).toHaveLength(1);
    expect(one.body.nextCursor).toBeNull();
    expect(one.requests).toBe(2);

    const token = await tokenInProjects(20);
    const twenty = await countedPage(token, '?limit=20');
    expect(twenty.body.items).toHaveLength(20);
    expect(twenty.requests).toBe(2);
    const dueDates = twenty.body.items.map((item: Json) => item.dueDate);
    expect(dueDates).toEqual([...dueDates].sort());
    expect(new Set(twenty.body.items.map((item: Json) => item.project.projectId)).size).toBe(20);

    // Paged by 6: four pages of 6, 6, 6 and 2, each two requests, in due-date order across pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await countedPage(token, `?limit=6${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.requests).toBe(2);
      seen.push(...page.body.items.map((item: Json) => item.dueDate));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(dueDates);
  });

  it('refuses a cursor given to someone else', async () => {
    const mine = await tasksOf(fx.users['read_only+contact'].token, '?limit=1');
    expect(mine.nextCursor).toEqual(expect.any(String));
    const stolen = await call(fx.users['standard+contact'].token, { method: 'GET', path: `/v1/me/tasks?cursor=${encodeURIComponent(mine.nextCursor)}` });
    expect(fieldsOf(expectProblem(stolen, 400, 'validation'))).toEqual(['cursor']);
  });
});
