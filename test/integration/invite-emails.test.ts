import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus';
import { handler as inviteEmails, inviteEmailId, inviteEmailsHandler } from '../../functions/events/invite-emails';
import { handler as inviteReminders } from '../../functions/scheduled/invite-reminders';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { eventBridgeClient } from '../../shared/aws/event-bridge';
import { db } from '../../shared/db/service';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { dateInWords } from '../../shared/email/invite';
import { eventSource, type InvitesSent } from '../../events/contracts';
import { expectStatus, type Call, type Json, type TestApi } from '../support/api-client';
import { createCommitment, seedPermissionFixture, startFixtureApi, type PermissionFixture, type TestCommitment } from '../support/permission-fixtures';
import { sentEmails } from '../support/mailbox';

/**
 * The invite fan-out end to end: POST …/invites through the local API Gateway, `invites.sent` on
 * the local event bus (real PutEvents, real deliveries with retries and a dead-letter file), the
 * invite-emails handler, SES v2 local — the emails are read back from its store. Also automatic
 * invites (billing-period.opened) and the reminder schedule.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let dataDir: string;

const zone = 'Australia/Sydney';
const today = localDate(new Date(), zone);
const dates = { startDate: addDays(today, -5), endDate: addDays(today, 25), dueDate: addDays(today, 20) };
let periodId: string;

async function seedPeriod(projectId: string, source: 'manual' | 'automatic' = 'manual', periodDates = dates) {
  const billingPeriodId = randomUUID();
  const at = new Date().toISOString();
  await db()
    .BillingPeriod.create({ projectId, billingPeriodId, position: 1, ...periodDates, status: 'open', source, invoiceCount: 0, version: 1, createdBy: 'seed', createdAt: at, updatedAt: at })
    .go();
  await db().Project.patch({ projectId }).set({ openBillingPeriodId: billingPeriodId }).go();
  return billingPeriodId;
}

async function sendInvites(f: PermissionFixture, billingPeriodId: string, commitments: TestCommitment[]) {
  const response = await call(f.users.admin.token, {
    method: 'POST',
    path: `/v1/projects/${f.projectId}/billing-periods/${billingPeriodId}/invites`,
    body: { commitmentIds: commitments.map((c) => c.commitmentId), invoiceType: 'work_materials_retainage' },
  });
  return expectStatus(response, 200, 'send invites').body;
}

const invite = async (projectId: string, billingPeriodId: string, c: TestCommitment) =>
  (await db().Invite.get({ projectId, billingPeriodId, commitmentId: c.commitmentId }).go()).data!;

/** The emails in the SES store about this commitment (its number is unique to the run). */
async function emailsAbout(c: TestCommitment, subject?: string) {
  return (await sentEmails(subject)).filter((email) => email.body.text?.includes(`Commitment: ${c.number} –`));
}

const inviteSubject = 'Harbour Tower: Test admin has invited you to bill.';

function invitesSentEvent(detail: InvitesSent): EventBridgeEvent<'invites.sent', unknown> {
  return { version: '0', id: randomUUID(), 'detail-type': 'invites.sent', source: eventSource, account: '000000000000', time: new Date().toISOString(), region: 'ap-southeast-2', resources: [], detail };
}

async function commitmentWithoutContacts(f: PermissionFixture): Promise<TestCommitment> {
  const number = `NC-${randomUUID().slice(0, 6)}`;
  const created = await call(f.users.admin.token, {
    method: 'POST',
    path: `/v1/projects/${f.projectId}/commitments`,
    body: { type: 'subcontract', number, title: 'Landscaping', vendorId: f.vendorId, invoiceContactIds: [] },
  });
  expectStatus(created, 201, 'create a commitment without contacts');
  return { commitmentId: created.body.commitmentId, number, path: `/v1/projects/${f.projectId}/commitments/${created.body.commitmentId}` };
}

const deadLetters = (): Array<{ target: string; event: EventBridgeEvent<'invites.sent', InvitesSent> }> => {
  const file = path.join(dataDir, 'dead-letters.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invite-emails-'));
  bus = await startLocalEventBus({ dataDir, log: () => undefined, retry: { attempts: 3, baseDelayMs: 20 } });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  process.env.EVENT_BUS_NAME = bus.busName;
  ({ api, fx, call } = await startFixtureApi());
  periodId = await seedPeriod(fx.projectId);
});

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  // aws-sdk-client-mock patches the shared client's prototype; undo it between tests.
  mockClient(SESv2Client).restore();
});

describe('invite emails (invites.sent → SES)', () => {
  it('emails every contact of the invited commitments, once, with the invite’s fields and link', async () => {
    const [a, b] = [await createCommitment(call, fx), await createCommitment(call, fx)];
    const none = await commitmentWithoutContacts(fx);
    const result = await sendInvites(fx, periodId, [a, none, b]);
    expect(result.invited.map((i: Json) => i.commitmentId)).toEqual([a.commitmentId, b.commitmentId]);
    expect(result.refused).toEqual([{ commitmentId: none.commitmentId, reason: 'no_invoice_contacts', detail: expect.any(String) }]);
    await bus.idle();

    const contactEmails = ['read_only+contact', 'standard+contact'].map((p) => fx.users[p as 'read_only+contact'].email).sort();
    for (const c of [a, b]) {
      const emails = await emailsAbout(c, inviteSubject);
      expect(emails.map((e) => e.destination.to).flat().sort()).toEqual(contactEmails);
      expect(emails.every((e) => e.from === process.env.EMAIL_FROM)).toBe(true);
    }
    expect(await emailsAbout(none)).toEqual([]);

    const [email] = (await emailsAbout(a, inviteSubject)).filter((e) => e.destination.to[0] === fx.users['read_only+contact'].email);
    const link = `https://app.progress-claims.test/projects/${fx.projectId}/invites/${periodId}.${a.commitmentId}`;
    expect(email!.body.text).toBe(
      [
        'Hello Test read_only+contact,',
        '',
        'Test admin has invited you to submit a progress claim on Harbour Tower for the billing period below.',
        '',
        `Commitment: ${a.number} – Electrical services ${a.number}`,
        'Progress Claim type: Work completed, stored materials and retention',
        `Billing period: ${dateInWords(dates.startDate, 'en-AU')} – ${dateInWords(dates.endDate, 'en-AU')}`,
        `Due date: ${dateInWords(dates.dueDate, 'en-AU')}`,
        'Invited by: Test admin',
        '',
        `Respond to the invite: ${link}`,
        '',
      ].join('\n'),
    );
    expect(email!.body.html).toContain(`<a href="${link}">Respond to the invite</a>`);
    expect(email!.body.html).toContain('Hello Test read_only+contact,');

    for (const c of [a, b]) expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'sent' });
    const listed = await call(fx.users.admin.token, { method: 'GET', path: `/v1/projects/${fx.projectId}/billing-periods/${periodId}/invites` });
    expect(listed.body.items.find((row: Json) => row.commitmentId === a.commitmentId)).toMatchObject({ status: 'invited', emailStatus: 'sent', emailError: null });

    // The same event again — directly, and on the bus — sends nothing more.
    const detail: InvitesSent = { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [a.commitmentId, b.commitmentId], kind: 'invite' };
    await expect(inviteEmails(invitesSentEvent(detail))).resolves.toEqual({ status: 'done', invites: 2, emails: 4, sent: 0 });
    await eventBridgeClient().send(
      new PutEventsCommand({ Entries: [{ EventBusName: bus.busName, Source: eventSource, DetailType: 'invites.sent', Detail: JSON.stringify(detail) }] }),
    );
    await bus.idle();
    for (const c of [a, b]) expect(await emailsAbout(c, inviteSubject)).toHaveLength(2);
  });

  it('retries SES throttling with backoff, then shows emailStatus failed and dead-letters the event; a redrive sends it', async () => {
    const c = await createCommitment(call, fx);
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }));
    await sendInvites(fx, periodId, [c]);
    await bus.idle();

    // 3 deliveries by the bus (Lambda's async retries) × 3 attempts in the handler × 2 contacts.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(18);
    const failed = await invite(fx.projectId, periodId, c);
    expect(failed).toMatchObject({ emailStatus: 'failed', emailError: expect.stringContaining('TooManyRequestsException') });
    const letter = deadLetters().find((l) => l.event.detail.commitmentIds.includes(c.commitmentId));
    expect(letter).toMatchObject({ target: 'inviteEmails' });
    expect(await emailsAbout(c)).toEqual([]);

    // SES recovers; the dead letter is replayed: each contact gets the email once, the invite shows sent.
    ses.restore();
    await expect(inviteEmails(letter!.event)).resolves.toMatchObject({ status: 'done', sent: 2 });
    expect(await emailsAbout(c, inviteSubject)).toHaveLength(2);
    const recovered = await invite(fx.projectId, periodId, c);
    expect(recovered.emailStatus).toBe('sent');
    expect(recovered.emailError).toBeUndefined();
  });

  it('marks the invite failed when SES rejects an email for good, without retrying it', async () => {
    const c = await createCommitment(call, fx);
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const fast = inviteEmailsHandler({ attemptsPerRun: 3, baseDelayMs: 1, concurrency: 4 });
    const detail: InvitesSent = { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [c.commitmentId], kind: 'invite' };
    // Written through the route while the bus delivers to the mock too; the direct call finds them rejected.
    await sendInvites(fx, periodId, [c]);
    await bus.idle();
    await expect(fast(invitesSentEvent(detail))).resolves.toMatchObject({ status: 'done', sent: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'failed', emailError: expect.stringContaining('MessageRejected') });
    expect(deadLetters().some((l) => l.event.detail.commitmentIds.includes(c.commitmentId))).toBe(false);
  });

  it('a failed invite may be sent again: only the contacts who did not get it are emailed', async () => {
    const c = await createCommitment(call, fx);
    const ses = mockClient(SESv2Client);
    // The first contact's email goes through, the second's is throttled until the retries run out.
    ses.on(SendEmailCommand).callsFakeOnce(() => ({ MessageId: 'first' })).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await sendInvites(fx, periodId, [c]);
    await bus.idle();
    expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'failed' });
    ses.restore();

    const again = await sendInvites(fx, periodId, [c]);
    expect(again.invited).toEqual([{ commitmentId: c.commitmentId, inviteId: `${periodId}.${c.commitmentId}` }]);
    await bus.idle();
    // The mock "sent" one email (not in the store); the resend delivered only the other one.
    expect(await emailsAbout(c, inviteSubject)).toHaveLength(1);
    expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'sent', round: 1 });
  });
});

describe('an invite email a killed attempt left in flight', () => {
  it('is taken over once the dead attempt\'s lease runs out — a redelivery waits for it rather than giving up — and the invite settles', async () => {
    const c = await createCommitment(call, fx);
    await sendInvites(fx, periodId, [c]);
    await bus.idle();
    const sent = await invite(fx.projectId, periodId, c);
    const [first, second] = sent.contactIds;
    // As a SIGKILL between SES accepting the first contact's email and its outcome being written leaves it.
    await db().Invite.patch({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: c.commitmentId }).set({ emailStatus: 'pending' }).go();
    await db().EmailDelivery.patch({ emailId: inviteEmailId(sent, first!, 'invite') }).set({ status: 'sending', leaseUntil: Date.now() + 2_000 }).go();

    const fast = inviteEmailsHandler({ attemptsPerRun: 3, baseDelayMs: 1, concurrency: 4 });
    const detail: InvitesSent = { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [c.commitmentId], kind: 'invite' };
    await expect(fast(invitesSentEvent(detail))).resolves.toMatchObject({ status: 'done', sent: 1 });

    // The one email in flight at the "kill" is sent again (SES takes no idempotency key); the other is not.
    const emails = await emailsAbout(c, inviteSubject);
    const copies = (userId: string) => emails.filter((e) => e.destination.to[0] === Object.values(fx.users).find((u) => u.userId === userId)?.email).length;
    expect([copies(first!), copies(second!)]).toEqual([2, 1]);
    expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'sent' });
  });
});

describe('an invite email whose outcome could not be recorded at once', () => {
  it('is not sent again when recording "sent" fails after SES accepted it, and the invite still settles', async () => {
    const c = await createCommitment(call, fx);
    const detail: InvitesSent = { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: [c.commitmentId], kind: 'invite' };
    // Written without its event (a bus delivery would race the handler below).
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'not-delivered' });
    await sendInvites(fx, periodId, [c]);
    await bus.idle();
    ses.restore();
    const sentInvite = await invite(fx.projectId, periodId, c);
    for (const contactId of sentInvite.contactIds) await db().EmailDelivery.delete({ emailId: inviteEmailId(sentInvite, contactId, 'invite') }).go();
    await db().Invite.patch({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: c.commitmentId }).set({ emailStatus: 'pending' }).go();

    // The last contact's outcome is written in one transaction with the invite's emailStatus: that
    // write fails once after SES accepted the email (DynamoDB busy or a conflict outlasting the retries).
    const stack = dynamoDocumentClient().middlewareStack;
    let failures = 0;
    stack.add(
      (next, context) => async (args) => {
        if (/TransactWrite/.test(context.commandName ?? '') && failures++ === 0) {
          throw Object.assign(new Error('injected: the outcome transaction failed'), { name: 'InternalServerError', $fault: 'server' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failFirstTransaction' },
    );
    try {
      const fast = inviteEmailsHandler({ attemptsPerRun: 3, baseDelayMs: 1, concurrency: 4 });
      await expect(fast(invitesSentEvent(detail))).resolves.toMatchObject({ status: 'done', sent: 2 });
    } finally {
      stack.remove('failFirstTransaction');
    }
    expect(failures).toBeGreaterThan(0);

    // Each contact got the email once; no delivery was attempted twice.
    const emails = await emailsAbout(c, inviteSubject);
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual(['read_only+contact', 'standard+contact'].map((p) => fx.users[p as 'read_only+contact'].email).sort());
    for (const contactId of sentInvite.contactIds) {
      const { data } = await db().EmailDelivery.get({ emailId: inviteEmailId(sentInvite, contactId, 'invite') }).go();
      expect(data).toMatchObject({ status: 'sent', attempts: 1 });
    }
    expect(await invite(fx.projectId, periodId, c)).toMatchObject({ emailStatus: 'sent' });
  });
});

describe('automatic invites (billing-period.opened)', () => {
  it('invites every eligible commitment when an automatic period opens, once however often the event comes', async () => {
    const f = await seedPermissionFixture(api.idp);
    const { data: project } = await db().Project.get({ projectId: f.projectId }).go();
    await db()
      .Project.patch({ projectId: f.projectId })
      .set({ billingPeriods: { ...project!.billingPeriods, autoInvites: true }, defaultInvoiceType: 'none' })
      .go();
    const [a, b] = [await createCommitment(call, f), await createCommitment(call, f)];
    const none = await commitmentWithoutContacts(f);
    const manualPeriod = await seedPeriod(f.projectId, 'manual');
    const automatic = await seedPeriod(f.projectId, 'automatic');

    const opened = (billingPeriodId: string, source: 'manual' | 'automatic') => ({
      EventBusName: bus.busName,
      Source: eventSource,
      DetailType: 'billing-period.opened',
      Detail: JSON.stringify({ projectId: f.projectId, billingPeriodId, source }),
    });
    await eventBridgeClient().send(new PutEventsCommand({ Entries: [opened(manualPeriod, 'manual'), opened(automatic, 'automatic')] }));
    await bus.idle();

    expect((await db().Invite.query.byPeriod({ projectId: f.projectId, billingPeriodId: manualPeriod }).go()).data).toEqual([]);
    for (const c of [a, b]) {
      expect(await invite(f.projectId, automatic, c)).toMatchObject({
        status: 'invited',
        invitedBy: f.users.admin.userId,
        invoiceType: 'work_materials_retainage',
        emailStatus: 'sent',
        version: 1,
      });
      expect(await emailsAbout(c, inviteSubject)).toHaveLength(2);
    }
    expect((await db().Invite.get({ projectId: f.projectId, billingPeriodId: automatic, commitmentId: none.commitmentId }).go()).data).toBeNull();

    // Delivered again (a retry, a duplicate): nothing new is written or sent.
    await eventBridgeClient().send(new PutEventsCommand({ Entries: [opened(automatic, 'automatic')] }));
    await bus.idle();
    for (const c of [a, b]) {
      expect(await invite(f.projectId, automatic, c)).toMatchObject({ version: 1 });
      expect(await emailsAbout(c, inviteSubject)).toHaveLength(2);
    }
  });
});

describe('invite reminders (hourly)', () => {
  it('reminds invites not declined once, on the day N days before the due date, following changed settings', async () => {
    const f = await seedPermissionFixture(api.idp);
    const { data: project } = await db().Project.get({ projectId: f.projectId }).go();
    const setReminder = (days: number) =>
      db()
        .Project.patch({ projectId: f.projectId })
        .set({ billingPeriods: { ...project!.billingPeriods, reminderDaysBeforeDue: days } })
        .go();
    await setReminder(3);
    const due = addDays(today, 10);
    const period = await seedPeriod(f.projectId, 'manual', { startDate: addDays(today, -5), endDate: addDays(today, 12), dueDate: due });
    const [kept, declined] = [await createCommitment(call, f), await createCommitment(call, f)];
    await sendInvites(f, period, [kept, declined]);
    await bus.idle();
    expectStatus(
      await call(f.users['read_only+contact'].token, { method: 'POST', path: `/v1/projects/${f.projectId}/invites/${period}.${declined.commitmentId}/response`, body: { accept: false } }),
      200,
      'decline',
    );
    // Due at 08:00 in Sydney, three days before the due date.
    const remindAt = (await invite(f.projectId, period, kept)).remindAt!;
    expect(localDate(new Date(remindAt), zone)).toBe(addDays(due, -3));
    expect(new Intl.DateTimeFormat('en-AU', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(remindAt))).toBe('08');

    const run = (at: Date) => inviteReminders({ schedule: 'invite-reminders', scheduledTime: at.toISOString() });
    expect(await run(new Date())).toMatchObject({ reminded: 0, rescheduled: 0, dropped: 0 });

    // The project now reminds 2 days before: the run on the old day moves the reminders.
    await setReminder(2);
    const oldDay = new Date(Date.parse(remindAt) + 30 * 60_000);
    expect(await run(oldDay)).toMatchObject({ reminded: 0, rescheduled: 2 });
    const moved = (await invite(f.projectId, period, kept)).remindAt!;
    expect(localDate(new Date(moved), zone)).toBe(addDays(due, -2));

    const reminderSubject = `Harbour Tower: Reminder – Test admin has invited you to bill by ${dateInWords(due, 'en-AU')}.`;
    const newDay = new Date(Date.parse(moved) + 30 * 60_000);
    expect(await run(newDay)).toMatchObject({ reminded: 1, dropped: 1 });
    await bus.idle();
    expect(await emailsAbout(kept, reminderSubject)).toHaveLength(2);
    expect(await emailsAbout(declined, reminderSubject)).toEqual([]);
    const reminded = await invite(f.projectId, period, kept);
    expect(reminded.reminderSentAt).toBe(newDay.toISOString());
    expect(reminded.remindAt).toBeUndefined();

    // Once: later runs find nothing, and nothing more is sent.
    expect(await run(new Date(newDay.getTime() + 60 * 60_000))).toMatchObject({ reminded: 0, rescheduled: 0, dropped: 0 });
    await bus.idle();
    expect(await emailsAbout(kept, reminderSubject)).toHaveLength(2);
  });
});
