import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { handler as webhookRetries } from '../../functions/scheduled/webhook-retries';
import { handler as outboxSweeper } from '../../functions/scheduled/outbox-sweeper';
import { handler as billingCycle } from '../../functions/scheduled/billing-cycle';
import { handler as billingCycleWorker } from '../../functions/events/billing-cycle-worker';
import { handler as markFailed } from '../../functions/backup/mark-failed';
import { db } from '../../shared/db/service';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { addDays, localDate, nextBillingPeriodAt } from '../../shared/domain/billing-periods';
import { webhookEventTypes } from '../../shared/domain/webhooks';
import { detailSchemas, type DomainEventType } from '../../events/contracts';
import { expectStatus, type ApiRequest, type Call, type Json, type TestApi } from '../support/api-client';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import {
  createBillingPeriod,
  createCommitment,
  createHeadContract,
  createInvoice,
  enablePayments,
  invoiceInStatus,
  paymentBody,
  sendInvites,
  startFixtureApi,
  type PermissionFixture,
  type TestBillingPeriod,
  type TestCommitment,
} from '../support/permission-fixtures';

/**
 * Every domain event of DOMAIN.md's "Events for integrations" list, caused through the API (or the
 * scheduled and workflow handlers, called as AWS calls them), reaches a subscribed endpoint on a
 * local receiver: signed (verified with the reference `standardwebhooks` library), with the payload
 * its contract documents, once per state change however the request or job is retried. An endpoint
 * subscribed to other types gets nothing.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;
let bus: LocalEventBus;
let published: RecordedEvent[];

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];

/** Subscribed to every event type, and to `backup.completed` only. */
let everything: { endpointId: string; secret: string };
let backupsOnly: { endpointId: string; secret: string };

let period: TestBillingPeriod;
let commitment: TestCommitment;

const today = localDate(new Date(), 'Australia/Sydney');
const admin = (request: ApiRequest) => call(fx.users.admin.token, request);

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  ({ api, fx, call } = await startFixtureApi());
  process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url!, headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const endpoint = async (path: string, eventTypes: readonly string[]) =>
    expectStatus(await admin({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: `${receiverUrl}${path}`, eventTypes } }), 201, `endpoint ${path}`).body;
  everything = await endpoint('/all', webhookEventTypes);
  backupsOnly = await endpoint('/backups', ['backup.completed']);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await api?.stop();
  await bus?.stop();
});

/**
 * What the dispatcher did not send yet goes out (the sweeper, as if the stream were down), then every
 * due delivery is attempted (the retry schedule): what the receiver got since `from`.
 */
async function deliver(from: number): Promise<Received[]> {
  await outboxSweeper({ schedule: 'outbox-sweeper', scheduledTime: new Date(Date.now() + 5 * 60_000).toISOString() });
  await webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date().toISOString() });
  return received.slice(from);
}

/** The events an endpoint received since `from`, each verified with its secret; the payload checked against its contract. */
function eventsAt(requests: Received[], path: string, secret: string): Array<{ type: DomainEventType; data: Json }> {
  const verifier = new Webhook(secret);
  return requests
    .filter((request) => request.path === path)
    .map((request) => {
      const payload = verifier.verify(request.body, request.headers) as { type: DomainEventType; timestamp: string; data: Json };
      expect(detailSchemas[payload.type].safeParse(payload.data).success, payload.type).toBe(true);
      return { type: payload.type, data: payload.data };
    });
}

const delivered = async (from: number) => eventsAt(await deliver(from), '/all', everything.secret);
const ofType = (events: Array<{ type: DomainEventType; data: Json }>, type: DomainEventType) => events.filter((e) => e.type === type).map((e) => e.data);

describe('each domain event reaches a subscribed endpoint, signed, with its documented payload', () => {
  it('billing periods: opened by hand, and the previous one closed with it', async () => {
    const from = received.length;
    const first = await createBillingPeriod(call, fx, { startDate: addDays(today, -40), endDate: addDays(today, -10), dueDate: addDays(today, -15) });
    period = await createBillingPeriod(call, fx, { startDate: addDays(today, -9), endDate: addDays(today, 25), dueDate: addDays(today, 20) });
    const events = await delivered(from);
    expect(ofType(events, 'billing-period.opened')).toEqual([
      expect.objectContaining({ projectId: fx.projectId, billingPeriodId: first.billingPeriodId, source: 'manual', startDate: addDays(today, -40) }),
      expect.objectContaining({ projectId: fx.projectId, billingPeriodId: period.billingPeriodId, source: 'manual', dueDate: addDays(today, 20) }),
    ]);
    expect(ofType(events, 'billing-period.closed')).toEqual([
      { projectId: fx.projectId, billingPeriodId: first.billingPeriodId, startDate: addDays(today, -40), endDate: addDays(today, -10), reason: 'next-period-opened', closedBy: fx.users.admin.userId, occurredAt: expect.any(String) },
    ]);
  });

  it('invites: sent, then answered once however often the contact posts the answer', async () => {
    commitment = await createCommitment(call, fx);
    const from = received.length;
    const [inviteId] = await sendInvites(call, fx, period, [commitment]);
    const contact = fx.users['read_only+contact'].token;
    const respond = () => call(contact, { method: 'POST', path: `/v1/projects/${fx.projectId}/invites/${inviteId}/response`, body: { accept: true } });
    expectStatus(await respond(), 200, 'accept');
    expectStatus(await respond(), 200, 'accept again (a retry)');
    const events = await delivered(from);
    expect(ofType(events, 'invites.sent')).toEqual([{ projectId: fx.projectId, billingPeriodId: period.billingPeriodId, commitmentIds: [commitment.commitmentId], kind: 'invite' }]);
    expect(ofType(events, 'invite.responded')).toEqual([
      {
        projectId: fx.projectId,
        inviteId,
        billingPeriodId: period.billingPeriodId,
        commitmentId: commitment.commitmentId,
        response: 'accepted',
        respondedBy: fx.users['read_only+contact'].userId,
        occurredAt: expect.any(String),
      },
    ]);
  });

  it('invoices: submitted and approved with their G702 figures in integer cents, every status change too', async () => {
    const invoice = await createInvoice(call, fx, commitment);
    const read = expectStatus(await admin({ method: 'GET', path: invoice.path }), 200, 'invoice');
    expectStatus(
      await admin({ method: 'PATCH', path: invoice.path, body: { lines: [{ lineId: invoice.lineIds[0], workThisPeriodCents: 1_234_567 }] }, headers: { 'if-match': read.headers.get('etag')! } }),
      200,
      'enter work this period',
    );
    const from = received.length;
    await invoiceInStatus(call, fx, invoice, 'under_review');
    await invoiceInStatus(call, fx, invoice, 'approved_as_noted');
    const summary = expectStatus(await admin({ method: 'GET', path: invoice.path }), 200, 'invoice').body.summary;
    const events = await delivered(from);
    const ids = { projectId: fx.projectId, invoiceId: invoice.invoiceId, commitmentId: commitment.commitmentId, billingPeriodId: period.billingPeriodId };
    const figures = {
      amountDueCents: summary.currentPaymentDueCents,
      totalCompletedAndStoredCents: 1_234_567,
      retainageCents: summary.totalRetainageCents,
      currency: 'AUD',
    };
    expect(figures.amountDueCents).toBe(1_234_567 - figures.retainageCents);
    expect(ofType(events, 'invoice.submitted')).toEqual([
      { ...ids, ...figures, invoiceNumber: expect.any(String), fromStatus: 'draft', submittedBy: fx.users.admin.userId, occurredAt: expect.any(String) },
    ]);
    expect(ofType(events, 'invoice.approved')).toEqual([
      { ...ids, ...figures, invoiceNumber: expect.any(String), status: 'approved_as_noted', approvedBy: fx.users.admin.userId, occurredAt: expect.any(String) },
    ]);
    expect(ofType(events, 'invoice.status-changed').map((e) => [e.fromStatus, e.toStatus])).toEqual([
      ['draft', 'under_review'],
      ['under_review', 'approved_as_noted'],
    ]);
  });

  it('payments issued: recorded once, though the request is sent twice with its Idempotency-Key', async () => {
    await enablePayments(call, fx, commitment);
    const from = received.length;
    const body = paymentBody();
    const key = randomUUID();
    const pay = () => admin({ method: 'POST', path: `${commitment.path}/payments`, body, headers: { 'idempotency-key': key } });
    const first = expectStatus(await pay(), 201, 'payment');
    expect(expectStatus(await pay(), 201, 'the same request again').body.paymentId).toBe(first.body.paymentId);
    const events = await delivered(from);
    expect(ofType(events, 'payment.recorded')).toEqual([
      {
        projectId: fx.projectId,
        commitmentId: commitment.commitmentId,
        paymentId: first.body.paymentId,
        paymentNumber: body.paymentNumber,
        invoiceId: null,
        amountCents: 10_000,
        currency: 'AUD',
        method: 'electronic',
        paidOn: body.paidOn,
        recordedBy: fx.users.admin.userId,
        occurredAt: expect.any(String),
      },
    ]);
  });

  it('owner invoices: a status change, and a payment received from the owner', async () => {
    const contract = await admin({
      method: 'POST',
      path: `/v1/projects/${fx.projectId}/head-contracts`,
      body: { number: 'PC-HOOK', title: 'Harbour Tower', ownerCompanyName: 'Harbour Tower Developments Pty Ltd' },
    });
    const contractPath = expectStatus(contract, 201, 'head contract').headers.get('location')!;
    const sov = await admin({ method: 'PUT', path: `${contractPath}/sov`, body: { lines: [{ costCode: '16-100', description: 'Electrical', scheduledValueCents: 5_000_000 }] }, headers: { 'if-match': '"1"' } });
    const [lineId] = expectStatus(sov, 200, 'SOV').body.lines.map((l: Json) => l.lineId);
    const created = expectStatus(await admin({ method: 'POST', path: `${contractPath}/owner-invoices`, body: {} }), 201, 'owner invoice').body;
    const invoicePath = `/v1/projects/${fx.projectId}/owner-invoices/${created.ownerInvoiceId}`;
    const edited = await admin({ method: 'PATCH', path: invoicePath, body: { lines: [{ lineId, workThisPeriodCents: 1_000_000 }] }, headers: { 'if-match': `"${created.version}"` } });
    const from = received.length;
    const sent = await admin({ method: 'POST', path: `${invoicePath}/status`, body: { status: 'under_review' }, headers: { 'if-match': expectStatus(edited, 200, 'entries').headers.get('etag')! } });
    expectStatus(sent, 200, 'send to the owner');
    const paid = await admin({ method: 'POST', path: `${invoicePath}/payments`, body: { paymentNumber: 'RCV-1', method: 'electronic', amountCents: 400_001, receivedOn: today } });
    expectStatus(paid, 201, 'payment received');
    const events = await delivered(from);
    expect(ofType(events, 'owner-invoice.status-changed')).toEqual([
      {
        projectId: fx.projectId,
        ownerInvoiceId: created.ownerInvoiceId,
        headContractId: created.headContractId,
        invoiceNumber: created.number,
        fromStatus: 'draft',
        toStatus: 'under_review',
        changedBy: fx.users.admin.userId,
        occurredAt: expect.any(String),
      },
    ]);
    expect(ofType(events, 'payment.received')).toEqual([
      {
        projectId: fx.projectId,
        headContractId: created.headContractId,
        ownerInvoiceId: created.ownerInvoiceId,
        paymentId: paid.body.paymentId,
        paymentNumber: 'RCV-1',
        amountCents: 400_001,
        currency: 'AUD',
        method: 'electronic',
        receivedOn: today,
        recordedBy: fx.users.admin.userId,
        occurredAt: expect.any(String),
      },
    ]);
  });

  it('backups: a job ending (here failed by its workflow) emits backup.completed once, to both endpoints; retries of the step emit nothing more', async () => {
    const jobId = randomUUID();
    const at = new Date().toISOString();
    await db()
      .BackupJob.create({
        projectId: fx.projectId,
        jobId,
        status: 'running',
        invoiceIds: ['invoice-x'],
        requestedBy: fx.users.admin.userId,
        progress: { done: 0, total: 1 },
        fileName: 'backup.pdf',
        outputKey: `backups/${jobId}/backup.pdf`,
        createdAt: at,
        updatedAt: at,
        version: 1,
      })
      .go();
    const from = received.length;
    const step = { projectId: fx.projectId, jobId, error: { Error: 'States.Timeout', Cause: 'Merge took too long' } };
    expect(await markFailed(step)).toEqual({ marked: true });
    expect(await markFailed(step)).toEqual({ marked: false });
    const requests = await deliver(from);
    const expected = { projectId: fx.projectId, jobId, status: 'failed', pages: null, bytes: null, warningCount: null, error: 'Merge took too long', occurredAt: expect.any(String) };
    expect(ofType(eventsAt(requests, '/all', everything.secret), 'backup.completed')).toEqual([expected]);
    expect(eventsAt(requests, '/backups', backupsOnly.secret)).toEqual([{ type: 'backup.completed', data: expected }]);
  });

  it('billing periods: closed by hand, once though the close is posted twice', async () => {
    const from = received.length;
    expectStatus(await admin({ method: 'POST', path: `${period.path}/close` }), 200, 'close');
    expect((await admin({ method: 'POST', path: `${period.path}/close` })).status).toBeGreaterThanOrEqual(400);
    expect(ofType(await delivered(from), 'billing-period.closed')).toEqual([
      { projectId: fx.projectId, billingPeriodId: period.billingPeriodId, startDate: addDays(today, -9), endDate: addDays(today, 25), reason: 'closed', closedBy: fx.users.admin.userId, occurredAt: expect.any(String) },
    ]);
  });

  it('signatures: completed, declined and voided, each once, from the step that ended the request (owner invoices signed by their owner contact)', async () => {
    const owner = 'owner.rep@developer.example';
    /** An owner invoice (on a head contract of its own) sent to the owner and then for signature: its id and the signing link's token. */
    const outForSignature = async () => {
      const contract = await createHeadContract(call, fx, { ownerContactEmails: [owner] });
      const created = expectStatus(await admin({ method: 'POST', path: `${contract.path}/owner-invoices`, body: {} }), 201, 'owner invoice');
      const path = created.headers.get('location')!;
      expectStatus(await admin({ method: 'POST', path: `${path}/status`, body: { status: 'under_review' }, headers: { 'if-match': created.headers.get('etag')! } }), 200, 'to the owner');
      const id = path.split('/').at(-1)!;
      const sent = expectStatus(await admin({ method: 'POST', path: `/v1/projects/${fx.projectId}/owner-invoices/bulk-signature`, body: { invoiceIds: [id] } }), 200, 'send for signature');
      expect(sent.body.results[0]).toMatchObject({ ok: true });
      await deliver(received.length);
      const email = published.find((e) => e.detailType === 'email.requested' && String(e.detail.emailId).startsWith(`signature:${id}:`));
      const token = /\/v1\/signing\/([A-Za-z0-9_-]{43})/.exec(String(email?.detail.text))![1]!;
      return { id, path, token };
    };
    const sign = (token: string, body: Json) => fetch(`${api.server.url}/v1/signing/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const [signed, declined] = [await outForSignature(), await outForSignature()];
    const from = received.length;
    expect((await sign(signed.token, { action: 'sign', consent: true, signature: { kind: 'typed', text: 'O. Rep' } })).status).toBe(200);
    expect((await sign(declined.token, { action: 'decline', reason: 'Wrong period' })).status).toBe(200);
    expectStatus(await admin({ method: 'POST', path: `${signed.path}/signature/void`, body: { reason: 'Reissued' } }), 200, 'void');
    const events = await delivered(from);
    const common = { projectId: fx.projectId, document: 'owner_invoice', provider: 'builtin', occurredAt: expect.any(String) };
    expect(ofType(events, 'signature.completed')).toEqual([
      { ...common, invoiceId: signed.id, status: 'completed', endedBy: `owner-contact:${owner}`, documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/), signers: [{ name: owner, email: owner, status: 'signed', signedAt: expect.any(String) }] },
    ]);
    expect(ofType(events, 'signature.declined')).toEqual([
      { ...common, invoiceId: declined.id, status: 'declined', endedBy: `owner-contact:${owner}`, reason: 'Wrong period', signers: [{ name: owner, email: owner, status: 'declined' }] },
    ]);
    expect(ofType(events, 'signature.voided')).toEqual([
      { ...common, invoiceId: signed.id, status: 'voided', endedBy: fx.users.admin.userId, reason: 'Reissued', signers: [{ name: owner, email: owner, status: 'signed', signedAt: expect.any(String) }] },
    ]);
  });

  it('an endpoint subscribed to other event types got nothing else, all along', () => {
    const types = received.filter((r) => r.path === '/backups').map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types).toEqual(['backup.completed']);
    // …while the endpoint subscribed to everything got every event type of the list.
    const all = new Set(received.filter((r) => r.path === '/all').map((r) => (JSON.parse(r.body) as { type: string }).type));
    expect([...all].sort()).toEqual([...webhookEventTypes].sort());
  });
});

describe('the scheduled billing cycle', () => {
  it('opening an automatic period emits billing-period.opened once, though the run and its workers are repeated and raced', async () => {
    const projectId = `hook-cycle-${randomUUID().slice(0, 8)}`;
    const settings = { frequency: 'monthly', startDay: 1, endDay: 31, dueDay: 25 } as const;
    const createdAt = new Date().toISOString();
    const nextAt = nextBillingPeriodAt(settings, 'Australia/Sydney', undefined, new Date(createdAt))!;
    await db()
      .Project.create({
        ...defaultProjectSettings('en-AU'),
        billingPeriods: { ...settings, autoInvites: false },
        projectId,
        companyId: fx.companyId,
        name: 'Hook cycle',
        number: projectId,
        timeZone: 'Australia/Sydney',
        createdBy: fx.users.admin.userId,
        createdAt,
        nextBillingPeriodAt: nextAt,
      })
      .go();
    const from = received.length;
    const scheduledTime = new Date(Math.max(Date.parse(nextAt), Date.now()) + 60_000).toISOString();
    for (let run = 0; run < 2; run++) {
      const { partitionsDue } = await billingCycle({ schedule: 'billing-cycle', scheduledTime });
      // Each partition's worker twice at once: a duplicated event.
      await Promise.all(partitionsDue.flatMap((partition) => [1, 2].map(() => billingCycleWorker(deliveredEvent('billing-cycle.due', { scheduledTime, partition })))));
    }
    const opened = ofType(await delivered(from), 'billing-period.opened').filter((e) => e.projectId === projectId);
    expect(opened).toEqual([expect.objectContaining({ projectId, source: 'automatic', occurredAt: expect.any(String) })]);
    const { data: periods } = await db().BillingPeriod.query.byProject({ projectId }).go();
    expect(periods.map((p) => p.billingPeriodId)).toEqual([opened[0]!.billingPeriodId]);
  });
});
