import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus';
import { inviteEmailsHandler } from '../../functions/events/invite-emails';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { db } from '../../shared/db/service';
import { addDays, localDate } from '../../shared/domain/billing-periods';
import { TransientEmailError } from '../../shared/email/send';
import { emailPacer, resetEmailPacer } from '../../shared/email/pace';
import { eventSource, type InvitesSent } from '../../events/contracts';
import { expectStatus, type Call, type TestApi } from '../support/api-client';
import { createCommitment, startFixtureApi, type PermissionFixture, type TestCommitment } from '../support/permission-fixtures';
import { sentEmails } from '../support/mailbox';

/**
 * The invite fan-out's cost and pacing, through the invite-emails handler as EventBridge calls it
 * (invites written by the real route; the bus's own deliveries are swallowed so each test drives
 * the handler itself): DynamoDB writes per email, and SES throttling answered by slowing down.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let periodId: string;

/** Write requests, by the SDK's command names (ElectroDB's transactions go through TransactWriteItemsCommand). */
const isWrite = (command: string) => /^(Put|Update|Delete|TransactWrite|BatchWrite)/.test(command);
let counting = false;
const writes: string[] = [];

const handler = inviteEmailsHandler({ attemptsPerRun: 3, baseDelayMs: 20, concurrency: 8 });

function invitesSentEvent(detail: InvitesSent): EventBridgeEvent<'invites.sent', unknown> {
  return { version: '0', id: randomUUID(), 'detail-type': 'invites.sent', source: eventSource, account: '000000000000', time: new Date().toISOString(), region: 'ap-southeast-2', resources: [], detail };
}

async function invite(commitments: TestCommitment[]): Promise<InvitesSent> {
  const response = await call(fx.users.admin.token, {
    method: 'POST',
    path: `/v1/projects/${fx.projectId}/billing-periods/${periodId}/invites`,
    body: { commitmentIds: commitments.map((c) => c.commitmentId), invoiceType: 'work_materials_retainage' },
  });
  expectStatus(response, 200, 'send invites');
  return { projectId: fx.projectId, billingPeriodId: periodId, commitmentIds: commitments.map((c) => c.commitmentId), kind: 'invite' };
}

const emailStatuses = async (commitments: TestCommitment[]) =>
  Promise.all(commitments.map(async (c) => (await db().Invite.get({ projectId: fx.projectId, billingPeriodId: periodId, commitmentId: c.commitmentId }).go()).data?.emailStatus));

beforeAll(async () => {
  // Deliveries of invites.sent are dropped: the tests call the handler themselves, once.
  bus = await startLocalEventBus({ log: () => undefined, invoke: async () => undefined });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  process.env.EVENT_BUS_NAME = bus.busName;
  ({ api, fx, call } = await startFixtureApi());
  const today = localDate(new Date(), 'Australia/Sydney');
  periodId = randomUUID();
  const at = new Date().toISOString();
  await db()
    .BillingPeriod.create({
      projectId: fx.projectId,
      billingPeriodId: periodId,
      position: 1,
      startDate: addDays(today, -5),
      endDate: addDays(today, 25),
      dueDate: addDays(today, 20),
      status: 'open',
      source: 'manual',
      invoiceCount: 0,
      version: 1,
      createdBy: 'seed',
      createdAt: at,
      updatedAt: at,
    })
    .go();
  await db().Project.patch({ projectId: fx.projectId }).set({ openBillingPeriodId: periodId }).go();
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => (args) => {
      if (counting && isWrite(context.commandName ?? '')) writes.push(context.commandName!);
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
});

afterAll(async () => {
  await api?.stop();
  await bus?.stop();
});

afterEach(() => {
  mockClient(SESv2Client).restore();
  delete process.env.SES_SEND_RATE;
  resetEmailPacer();
});

describe('invite fan-out', () => {
  it('makes at most two DynamoDB writes per email: the claim, then the outcome with the invite’s emailStatus', async () => {
    const commitments = [await createCommitment(call, fx, { sov: false }), await createCommitment(call, fx, { sov: false }), await createCommitment(call, fx, { sov: false })];
    const detail = await invite(commitments);
    writes.length = 0;
    counting = true;
    const result = await handler(invitesSentEvent(detail));
    counting = false;

    // Three commitments with two invoice contacts each: six emails, each in SES's store once.
    expect(result).toMatchObject({ status: 'done', emails: 6, sent: 6 });
    for (const c of commitments) {
      const emails = (await sentEmails()).filter((email) => email.body.text?.includes(`Commitment: ${c.number} –`));
      expect(emails).toHaveLength(2);
    }
    expect(await emailStatuses(commitments)).toEqual(['sent', 'sent', 'sent']);
    // Before: claim + outcome per email and one more write per invite (2.5 per email here).
    expect(writes.length, writes.join(' ')).toBeLessThanOrEqual(2 * 6);
    expect(writes.filter((w) => w.startsWith('TransactWrite'))).toHaveLength(3);
  });

  it('slows down when SES throttles and sends every email exactly once after retrying later', async () => {
    process.env.SES_SEND_RATE = '40';
    resetEmailPacer();
    const commitments = await Promise.all(Array.from({ length: 5 }, () => createCommitment(call, fx, { sov: false })));
    const detail = await invite(commitments);
    // SES throttles the first eight sends (a burst over the account's rate), then accepts.
    const ses = mockClient(SESv2Client);
    let calls = 0;
    const accepted: string[] = [];
    const ratesAtSend: number[] = [];
    ses.on(SendEmailCommand).callsFake((input: { Destination: { ToAddresses: string[] } }) => {
      calls += 1;
      ratesAtSend.push(emailPacer().rate);
      if (calls <= 8) throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
      accepted.push(`${input.Destination.ToAddresses.join(',')}`);
      return { MessageId: `m-${calls}` };
    });

    // As Lambda retries an async event whose handler threw: again, later, sending only what is missing.
    let invocations = 0;
    for (;;) {
      invocations += 1;
      try {
        await handler(invitesSentEvent(detail));
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(TransientEmailError);
        expect(invocations).toBeLessThan(4);
      }
    }
    // The sends after the throttled burst went out slower (those that go through win the rate back).
    expect(Math.min(...ratesAtSend)).toBeLessThan(40);
    // 5 invites × 2 contacts: each contact's email accepted once per invite — none lost, none doubled.
    expect(accepted).toHaveLength(10);
    expect(await emailStatuses(commitments)).toEqual(Array(5).fill('sent'));
  });
});
