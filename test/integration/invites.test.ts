import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { db } from '../../shared/db/service';
import { loadStalePending, sweepAfterMs } from '../../shared/db/outbox';
import { handler as outboxSweeper } from '../../functions/scheduled/outbox-sweeper';
import { handler as dispatchStream } from '../../functions/events/outbox-dispatcher';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { expectProblem, expectRefusal, expectStatus, fieldsOf, type Call, type Json, type TestApi } from '../support/api-client';
import { createCommitment, ssovInState, startFixtureApi, type PermissionFixture, type TestCommitment } from '../support/permission-fixtures';

/**
 * Invites to bill through the local API Gateway against DynamoDB Local: sending with per-commitment
 * preconditions, the period gates, the list with counts, and answers by contacts (and refusals for
 * everyone else per PERMISSIONS.md). The bus records `invites.sent` instead of emailing (emails:
 * invite-emails.test.ts).
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let published: RecordedEvent[] = [];

const today = localDate(new Date(), 'Australia/Sydney');
let periodId: string;

async function seedPeriod(projectId: string, dates: { startDate: string; endDate: string; dueDate: string }, status: 'open' | 'closed' = 'open') {
  const billingPeriodId = randomUUID();
  const at = new Date().toISOString();
  await db()
    .BillingPeriod.create({ projectId, billingPeriodId, position: 1, ...dates, status, source: 'manual', invoiceCount: 0, version: 1, createdBy: 'seed', createdAt: at, updatedAt: at })
    .go();
  if (status === 'open') await db().Project.patch({ projectId }).set({ openBillingPeriodId: billingPeriodId }).go();
  return billingPeriodId;
}

const invitesPath = (billingPeriodId = periodId) => `/v1/projects/${fx.projectId}/billing-periods/${billingPeriodId}/invites`;
const send = (token: string, commitmentIds: string[], extra: { billingPeriodId?: string; headers?: Record<string, string> } = {}) =>
  call(token, {
    method: 'POST',
    path: invitesPath(extra.billingPeriodId),
    body: { commitmentIds, invoiceType: 'work_materials_retainage' },
    headers: extra.headers,
  });
const respond = (token: string, inviteId: string, accept: boolean) =>
  call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${inviteId}/response`, body: { accept } });
const list = async (token: string) => expectStatus(await call(token, { method: 'GET', path: invitesPath() }), 200, 'list invites').body;

const sweep = (at: Date) => outboxSweeper({ schedule: 'outbox-sweeper', scheduledTime: at.toISOString() });
/** The table's stream as Lambda delivers it: one INSERT of this outbox record (new image, keys only matter). */
const streamEvent = (outboxId: string): DynamoDBStreamEvent => ({
  Records: [
    {
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { SequenceNumber: `seq-${outboxId}`, NewImage: { __edb_e__: { S: 'outbox' }, outboxId: { S: outboxId } } },
    },
  ],
});

/** A commitment of A's project with no invoice contacts (created through the API by the admin). */
async function commitmentWithoutContacts(): Promise<TestCommitment> {
  const number = `NC-${randomUUID().slice(0, 6)}`;
  const created = await call(fx.users.admin.token, {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/commitments`,
    body: { type: 'subcontract', number, title: 'Landscaping', vendorId: fx.vendorId, invoiceContactIds: [] },
  });
  expectStatus(created, 201, 'create a commitment without contacts');
  return { commitmentId: created.body.commitmentId, number, path: `/v1/projects/${fx.projectId}/commitments/${created.body.commitmentId}` };
}

/** Moves the period's due date (to test the gates), returning a function that puts it back. */
async function dueOn(dueDate: string) {
  const { data } = await db().BillingPeriod.get({ projectId: fx.projectId, billingPeriodId: periodId }).go();
  await db().BillingPeriod.patch({ projectId: fx.projectId, billingPeriodId: periodId }).set({ dueDate }).go();
  return () => db().BillingPeriod.patch({ projectId: fx.projectId, billingPeriodId: periodId }).set({ dueDate: data!.dueDate }).go();
}

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
  periodId = await seedPeriod(fx.projectId, { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
});

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
});

beforeEach(() => {
  published.length = 0;
});

describe('sending invites (POST …/billing-periods/{id}/invites)', () => {
  it('invites the commitments that meet the preconditions and reports the others one by one', async () => {
    const [a, b] = [await createCommitment(call, fx), await createCommitment(call, fx)];
    const none = await commitmentWithoutContacts();

    const response = expectStatus(await send(fx.users.admin.token, [a.commitmentId, none.commitmentId, b.commitmentId]), 200, 'send');
    expect(response.body).toEqual({
      invited: [
        { commitmentId: a.commitmentId, inviteId: `${periodId}.${a.commitmentId}` },
        { commitmentId: b.commitmentId, inviteId: `${periodId}.${b.commitmentId}` },
      ],
      refused: [{ commitmentId: none.commitmentId, reason: 'no_invoice_contacts', detail: expect.stringContaining(none.number) }],
    });

    // The invites are stored for the period, with the contacts as designated and their emails pending.
    const { data: invite } = await db().Invite.get({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: a.commitmentId }).go();
    expect(invite).toMatchObject({ status: 'invited', invoiceType: 'work_materials_retainage', invitedBy: fx.users.admin.userId, emailStatus: 'pending', round: 1, version: 1 });
    expect([...invite!.contactIds].sort()).toEqual([...fx.contactIds].sort());

    // Then one invites.sent event for the invited ones.
    await bus.idle();
    expect(published).toEqual([
      { detailType: 'invites.sent', detail: { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [a.commitmentId, b.commitmentId], kind: 'invite' } },
    ]);
  });

  it('refuses unknown commitments, unapproved SSOVs and commitments already invited; a declined one is invited again', async () => {
    const withSsov = await createCommitment(call, fx, { ssov: true });
    const approved = await createCommitment(call, fx, { ssov: true });
    await ssovInState(call, fx, approved, 'under_review');
    expectStatus(await call(fx.users.admin.token, { method: 'POST', path: `${approved.path}/ssov/status`, body: { status: 'approved' } }), 200, 'approve the SSOV');
    const invited = await createCommitment(call, fx);
    const declined = await createCommitment(call, fx);
    expectStatus(await send(fx.users.admin.token, [invited.commitmentId, declined.commitmentId]), 200, 'first send');
    expectStatus(await respond(fx.users['read_only+contact'].token, `${periodId}.${declined.commitmentId}`, false), 200, 'decline');
    published.length = 0;

    const unknown = randomUUID();
    const response = expectStatus(
      await send(fx.users.admin.token, [unknown, withSsov.commitmentId, approved.commitmentId, invited.commitmentId, declined.commitmentId]),
      200,
      'second send',
    );
    expect(response.body.invited.map((i: Json) => i.commitmentId)).toEqual([approved.commitmentId, declined.commitmentId]);
    expect(response.body.refused).toEqual([
      { commitmentId: unknown, reason: 'not_found', detail: expect.any(String) },
      { commitmentId: withSsov.commitmentId, reason: 'ssov_not_approved', detail: expect.stringMatching(/subcontractor SOV .* not approved/) },
      { commitmentId: invited.commitmentId, reason: 'already_invited', detail: expect.stringContaining('already invited') },
    ]);
    // The re-invite is a new round: its emails have new ids, so the contacts hear of it again.
    const { data: again } = await db().Invite.get({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: declined.commitmentId }).go();
    expect(again).toMatchObject({ status: 'invited', round: 2, emailStatus: 'pending', version: 3 });
    expect(again!.respondedAt).toBeUndefined();
    await bus.idle();
    expect(published.map((p) => p.detail.commitmentIds)).toEqual([[approved.commitmentId, declined.commitmentId]]);
  });

  it('invites once when two sends for the same commitment race', async () => {
    const [c, d] = [await createCommitment(call, fx), await createCommitment(call, fx)];
    const answers = await Promise.all([send(fx.users.admin.token, [c.commitmentId, d.commitmentId]), send(fx.users.admin.token, [d.commitmentId, c.commitmentId])]);
    const invited = answers.flatMap((a) => expectStatus(a, 200, 'send').body.invited.map((i: Json) => i.commitmentId));
    const refused = answers.flatMap((a) => a.body.refused);
    expect(invited.sort()).toEqual([c.commitmentId, d.commitmentId].sort());
    expect(refused).toHaveLength(2);
    expect(refused.every((r: Json) => r.reason === 'already_invited')).toBe(true);
    await bus.idle();
    expect(published.flatMap((p) => p.detail.commitmentIds).sort()).toEqual([c.commitmentId, d.commitmentId].sort());
  });

  it('does not invite another company’s commitment (not_found)', async () => {
    const { data: theirs } = await db()
      .Commitment.query.byProject({ projectId: fx.other.projectId })
      .go();
    const foreign = theirs[0]?.commitmentId ?? randomUUID();
    const response = expectStatus(await send(fx.users.admin.token, [foreign]), 200, 'send');
    expect(response.body).toEqual({ invited: [], refused: [{ commitmentId: foreign, reason: 'not_found', detail: expect.any(String) }] });
  });

  it('answers a replay with the same Idempotency-Key with the first answer, and sends once', async () => {
    const c = await createCommitment(call, fx);
    const key = randomUUID();
    const first = expectStatus(await send(fx.users.admin.token, [c.commitmentId], { headers: { 'idempotency-key': key } }), 200, 'first');
    const replay = expectStatus(await send(fx.users.admin.token, [c.commitmentId], { headers: { 'idempotency-key': key } }), 200, 'replay');
    expect(replay.body).toEqual(first.body);
    expect(first.body.invited).toHaveLength(1);
    await bus.idle();
    expect(published).toHaveLength(1);
  });

  it('keeps the invites and their invites.sent in the outbox when publishing fails; the sweeper sends it once', async () => {
    const c = await createCommitment(call, fx);
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    try {
      const response = expectStatus(await send(fx.users.admin.token, [c.commitmentId]), 200, 'send');
      expect(response.body.invited).toHaveLength(1);
    } finally {
      events.restore();
    }
    const row = (await list(fx.users.admin.token)).items.find((r: Json) => r.commitmentId === c.commitmentId);
    expect(row).toMatchObject({ status: 'invited', emailStatus: 'pending', emailError: null });
    const stale = await loadStalePending(new Date(Date.now() + sweepAfterMs));
    const pending = (await Promise.all(stale.map(async (outboxId) => (await db().Outbox.get({ outboxId }).go()).data!))).filter((r) =>
      r.detail.includes(c.commitmentId),
    );
    expect(pending.map((r) => [r.detailType, JSON.parse(r.detail).commitmentIds])).toEqual([['invites.sent', [c.commitmentId]]]);

    // Not yet two minutes old: the sweeper leaves it to the stream.
    await sweep(new Date());
    await bus.idle();
    expect(published).toEqual([]);
    // Two minutes on, the sweeper publishes it; a redelivered stream record then publishes nothing more.
    await sweep(new Date(Date.now() + sweepAfterMs + 60_000));
    const streamed = await dispatchStream(streamEvent(pending[0]!.outboxId));
    await bus.idle();
    expect(published.map((p) => p.detail.commitmentIds)).toEqual([[c.commitmentId]]);
    expect(streamed).toEqual({ batchItemFailures: [] });
    const { data: record } = await db().Outbox.get({ outboxId: pending[0]!.outboxId }).go();
    expect(record).toMatchObject({ dispatchedAt: expect.any(String) });
    expect(record!.pendingShard).toBeUndefined();
  });

  it('publishes each outbox record from the stream once, and reports one EventBridge refused as a batch item failure', async () => {
    const c = await createCommitment(call, fx);
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    let outboxId: string;
    try {
      expectStatus(await send(fx.users.admin.token, [c.commitmentId]), 200, 'send');
      const stale = await loadStalePending(new Date(Date.now() + sweepAfterMs));
      outboxId = (await Promise.all(stale.map(async (id) => (await db().Outbox.get({ outboxId: id }).go()).data!))).find((r) =>
        r.detail.includes(c.commitmentId),
      )!.outboxId;
      expect(await dispatchStream(streamEvent(outboxId))).toEqual({ batchItemFailures: [{ itemIdentifier: `seq-${outboxId}` }] });
    } finally {
      events.restore();
    }
    expect(await dispatchStream(streamEvent(outboxId))).toEqual({ batchItemFailures: [] });
    expect(await dispatchStream(streamEvent(outboxId))).toEqual({ batchItemFailures: [] });
    await bus.idle();
    expect(published.map((p) => p.detail.commitmentIds)).toEqual([[c.commitmentId]]);
  });

  it('re-sends an invite whose emails failed or are stuck, for the admin only, through the outbox', async () => {
    const c = await createCommitment(call, fx);
    expectStatus(await send(fx.users.admin.token, [c.commitmentId]), 200, 'send');
    await bus.idle();
    published.length = 0;
    const inviteId = `${periodId}.${c.commitmentId}`;
    const resend = (token: string, id = inviteId) => call(token, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${id}/resend` });
    const key = { projectId: fx.projectId, billingPeriodId: periodId, commitmentId: c.commitmentId };

    // Still being sent (pending, just written): refused.
    expectProblem(await resend(fx.users.admin.token), 409, 'conflict');
    // Stuck: pending for over 10 minutes.
    await db().Invite.patch(key).set({ updatedAt: new Date(Date.now() - 11 * 60_000).toISOString() }).go();
    expectStatus(await resend(fx.users.standard.token), 403, 'standard may not re-send');
    expectStatus(await resend(fx.users.admin.token, `${periodId}.${randomUUID()}`), 404, 'unknown invite');
    const { data: before } = await db().Invite.get(key).go();
    const answered = expectStatus(await resend(fx.users.admin.token), 200, 're-send a stuck invite');
    expect(answered.body).toMatchObject({ inviteId, emailStatus: 'pending', emailError: null, version: before!.version + 1 });
    await bus.idle();
    expect(published.map((p) => p.detail)).toEqual([{ projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [c.commitmentId], kind: 'invite' }]);

    // Failed: re-sent at once; sent: refused.
    await db().Invite.patch(key).set({ emailStatus: 'failed', emailError: 'SES said no' }).go();
    expectStatus(await resend(fx.users.admin.token), 200, 're-send a failed invite');
    await db().Invite.patch(key).set({ emailStatus: 'sent' }).remove(['emailError']).go();
    expectProblem(await resend(fx.users.admin.token), 409, 'conflict');
  });

  it('validates the body: 1–500 distinct commitments and a known invoice type', async () => {
    const c = randomUUID();
    const duplicate = expectProblem(await send(fx.users.admin.token, [c, randomUUID(), c]), 400, 'validation');
    expect(fieldsOf(duplicate)).toEqual(['commitmentIds.2']);
    expect(fieldsOf(expectProblem(await send(fx.users.admin.token, []), 400, 'validation'))).toEqual(['commitmentIds']);
    const tooMany = Array.from({ length: 501 }, () => randomUUID());
    expect(fieldsOf(expectProblem(await send(fx.users.admin.token, tooMany), 400, 'validation'))).toEqual(['commitmentIds']);
    const badType = await call(fx.users.admin.token, { method: 'POST', path: invitesPath(), body: { commitmentIds: [c], invoiceType: 'none' } });
    expect(fieldsOf(expectProblem(badType, 400, 'validation'))).toEqual(['invoiceType']);
  });

  it('is the admin’s: 403 for other levels and contacts, 404 for other companies and unknown periods', async () => {
    const c = await createCommitment(call, fx);
    for (const profile of ['read_only', 'standard', 'read_only+contact', 'standard+contact', 'none'] as const) {
      expectRefusal(await send(fx.users[profile].token, [c.commitmentId]), 403, /send an invite to bill/);
    }
    expectRefusal(await send(fx.users.other_company_admin.token, [c.commitmentId]), 404);
    expectRefusal(await send(fx.users.not_a_member.token, [c.commitmentId]), 404);
    expectRefusal(await send(fx.users.admin.token, [c.commitmentId], { billingPeriodId: randomUUID() }), 404);
    await bus.idle();
    expect(published).toEqual([]);
  });

  it('refuses the whole request (409) for a closed period or one past its due date', async () => {
    const c = await createCommitment(call, fx);
    const closed = await seedPeriod(fx.projectId, { startDate: addDays(today, -60), endDate: addDays(today, -31), dueDate: addDays(today, -35) }, 'closed');
    const closedAnswer = expectProblem(await send(fx.users.admin.token, [c.commitmentId], { billingPeriodId: closed }), 409, 'conflict');
    expect(closedAnswer.detail).toMatch(/closed/);

    const restore = await dueOn(addDays(today, -1));
    try {
      const late = expectProblem(await send(fx.users.admin.token, [c.commitmentId]), 409, 'conflict');
      expect(late.detail).toContain(`was due on ${addDays(today, -1)}`);
    } finally {
      await restore();
    }
    // On the due date itself invites may still be sent.
    const restoreToday = await dueOn(today);
    try {
      expect(expectStatus(await send(fx.users.admin.token, [c.commitmentId]), 200, 'on the due date').body.invited).toHaveLength(1);
    } finally {
      await restoreToday();
    }
  });
});

describe('the period’s invites (GET …/billing-periods/{id}/invites)', () => {
  it('lists every visible commitment with its status, and the counts; answers move them', async () => {
    const before = await list(fx.users.admin.token);
    const [x, y, z] = [await createCommitment(call, fx), await createCommitment(call, fx), await createCommitment(call, fx, { private: true })];
    const fresh = await list(fx.users.admin.token);
    expect(fresh.counts).toEqual({ ...before.counts, notInvited: before.counts.notInvited + 3 });
    expect(fresh.items.find((row: Json) => row.commitmentId === x.commitmentId)).toEqual({
      commitmentId: x.commitmentId,
      number: x.number,
      title: expect.any(String),
      vendorName: fx.vendorName,
      status: 'not_invited',
      contactIds: fx.contactIds,
      // Their names, read in one BatchGet for the whole list.
      contacts: await Promise.all(fx.contactIds.map(async (userId) => ({ userId, name: (await db().User.get({ userId }).go()).data!.name }))),
      inviteId: null,
      invoiceType: null,
      emailStatus: null,
      emailError: null,
      invitedAt: null,
      respondedAt: null,
      reminderSentAt: null,
      allowedActions: [],
    });

    expectStatus(await send(fx.users.admin.token, [x.commitmentId, y.commitmentId, z.commitmentId]), 200, 'send');
    const contact = fx.users['standard+contact'].token;
    expectStatus(await respond(contact, `${periodId}.${x.commitmentId}`, true), 200, 'accept');
    expectStatus(await respond(contact, `${periodId}.${y.commitmentId}`, false), 200, 'decline');

    const after = await list(fx.users.admin.token);
    expect(after.counts).toEqual({
      notInvited: before.counts.notInvited,
      invited: before.counts.invited + 1,
      accepted: before.counts.accepted + 1,
      declined: before.counts.declined + 1,
    });
    const row = (rows: Json[], c: TestCommitment) => rows.find((r) => r.commitmentId === c.commitmentId);
    expect(row(after.items, x)).toMatchObject({ status: 'accepted', inviteId: `${periodId}.${x.commitmentId}`, invoiceType: 'work_materials_retainage', emailStatus: 'pending', respondedAt: expect.any(String) });
    expect(row(after.items, y)).toMatchObject({ status: 'declined' });
    expect(row(after.items, z)).toMatchObject({ status: 'invited' });
    // In commitment-number order.
    const numbers = after.items.map((r: Json) => r.number);
    expect(numbers).toEqual([...numbers].sort());

    // A read_only member does not see the private commitment, nor count it.
    const reader = await list(fx.users.read_only.token);
    expect(row(reader.items, z)).toBeUndefined();
    expect(row(reader.items, x)).toMatchObject({ status: 'accepted' });
    expect(reader.counts.invited).toBe(after.counts.invited - 1);
    // The contacts are on the private list: they see it.
    expect(row((await list(contact)).items, z)).toMatchObject({ status: 'invited' });
  });

  it('is for members who can view commitments: none → 403, other companies → 404, unknown period → 404', async () => {
    expectRefusal(await call(fx.users.none.token, { method: 'GET', path: invitesPath() }), 403, /view and search commitments/);
    expectRefusal(await call(fx.users.other_company_admin.token, { method: 'GET', path: invitesPath() }), 404);
    expectRefusal(await call(fx.users.admin.token, { method: 'GET', path: invitesPath(randomUUID()) }), 404);
  });
});

describe('answering an invite (POST /v1/projects/{id}/invites/{inviteId}/response)', () => {
  let open: TestCommitment;
  let hidden: TestCommitment;
  const inviteOf = (c: TestCommitment) => `${periodId}.${c.commitmentId}`;

  beforeAll(async () => {
    open = await createCommitment(call, fx);
    hidden = await createCommitment(call, fx, { private: true });
    expectStatus(await send(fx.users.admin.token, [open.commitmentId, hidden.commitmentId]), 200, 'send');
  });

  it('lets an invoice contact accept, then change to decline', async () => {
    const accepted = expectStatus(await respond(fx.users['read_only+contact'].token, inviteOf(open), true), 200, 'accept');
    expect(accepted.body).toMatchObject({
      inviteId: inviteOf(open),
      status: 'accepted',
      respondedBy: fx.users['read_only+contact'].userId,
      respondedAt: expect.any(String),
      version: 2,
    });
    expect(accepted.headers.get('etag')).toBe('"2"');
    // The same answer again changes nothing.
    expect(expectStatus(await respond(fx.users['read_only+contact'].token, inviteOf(open), true), 200, 'again').body.version).toBe(2);
    const declined = expectStatus(await respond(fx.users['standard+contact'].token, inviteOf(open), false), 200, 'decline');
    expect(declined.body).toMatchObject({ status: 'declined', respondedBy: fx.users['standard+contact'].userId, version: 3 });
  });

  it('refuses the admin and members who are not contacts (403) and those who cannot see it (404)', async () => {
    expectRefusal(await respond(fx.users.admin.token, inviteOf(open), true), 403, /accept or decline an invite to bill/);
    expectRefusal(await respond(fx.users.read_only.token, inviteOf(open), true), 403, /invoice contact designation/);
    expectRefusal(await respond(fx.users.standard.token, inviteOf(open), true), 403, /invoice contact designation/);
    expectRefusal(await respond(fx.users['standard+private_list'].token, inviteOf(hidden), true), 403, /invoice contact designation/);
    // A private commitment the member is not listed on does not exist for them.
    expectRefusal(await respond(fx.users.read_only.token, inviteOf(hidden), true), 404);
    expectRefusal(await respond(fx.users.none.token, inviteOf(open), true), 404);
    expectRefusal(await respond(fx.users.other_company_admin.token, inviteOf(open), true), 404);
    expectRefusal(await respond(fx.users.not_a_member.token, inviteOf(open), true), 404);
    // Unknown or malformed invite ids.
    expectRefusal(await respond(fx.users['read_only+contact'].token, `${randomUUID()}.${open.commitmentId}`, true), 404);
    expectRefusal(await respond(fx.users['read_only+contact'].token, 'no-dot-here', true), 404);
    const { data } = await db().Invite.get({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: hidden.commitmentId }).go();
    expect(data!.status).toBe('invited');
  });

  it('refuses answers (409) once the period is past its due date', async () => {
    const restore = await dueOn(addDays(today, -1));
    try {
      const late = expectProblem(await respond(fx.users['read_only+contact'].token, inviteOf(hidden), true), 409, 'conflict');
      expect(late.detail).toMatch(/was due on/);
    } finally {
      await restore();
    }
  });
});
