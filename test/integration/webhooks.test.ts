import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { stableUuid } from '../../infra/local/auth';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { handler as deliverWebhooks } from '../../functions/events/deliver-webhooks';
import { handler as webhookRetries } from '../../functions/scheduled/webhook-retries';
import { handler as outboxSweeper } from '../../functions/scheduled/outbox-sweeper';
import { dispatchOutbox, loadStalePending, outboxRecord, outboxWrite } from '../../shared/db/outbox';
import { db, dbService } from '../../shared/db/service';
import { deliveryIdFor } from '../../shared/db/webhooks';
import { postWebhook } from '../../shared/webhooks/post';
import { client, expectProblem, fieldsOf, ifMatch, startTestApi, type Call, type Json, type TestApi } from '../support/api-client';
import { deliveredEvent, startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { person, seedPeople } from '../support/people';
import { invoiceStatusChangedEvent } from '../../events/contracts';

/**
 * Webhooks end to end against DynamoDB Local: a committed domain event's outbox record fans out to
 * the subscribed endpoint, the delivery function and the retry schedule POST it to a real local
 * receiver (signed, verified here with the reference `standardwebhooks` library), the log and
 * replay routes, secret rotation, SSRF refusals under AWS's rules, and who may manage endpoints.
 */
let api: TestApi;
let call: Call;
let bus: LocalEventBus;
let published: RecordedEvent[];

const gc = { companyId: stableUuid('test:webhooks:gc'), name: 'Hook Builders', kind: 'general_contractor' } as const;
const otherGc = { companyId: stableUuid('test:webhooks:gc-2'), name: 'Other Builders', kind: 'general_contractor' } as const;
const vendor = { companyId: stableUuid('test:webhooks:vendor'), name: 'Hook Plumbing', kind: 'vendor', ownerCompanyId: gc.companyId } as const;
const people = {
  admin: person('ada@hooks.test', 'Ada Admin', gc.companyId, 'admin'),
  member: person('mo@hooks.test', 'Mo Member', gc.companyId),
  vendorUser: person('vic@hook-plumbing.test', 'Vic Vendor', vendor.companyId, 'admin'),
  otherAdmin: person('oz@other.test', 'Oz Other', otherGc.companyId, 'admin'),
};
type Who = keyof typeof people;
let tokens: Record<Who, string>;
let projectId: string;

/** A receiver on loopback: answers each request with the next status of `plan` (then 200), recording what it got. */
interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number;
}
let receiver: http.Server;
let receiverUrl: string;
let received: Received[] = [];
let plan: number[] = [];

const as = (who: Who) => (request: Parameters<Call>[1]) => call(tokens[who], request);

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  api = await startTestApi();
  call = client(api);
  tokens = await seedPeople(api.idp, { companies: [gc, otherGc, vendor], people });
  projectId = (await as('admin')({ method: 'POST', path: '/v1/projects', body: { name: 'Hook Tower', number: 'HK-1', timeZone: 'Australia/Sydney', region: 'en-AU' } })).body.projectId;
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answered = plan.shift() ?? 200;
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString(), answered });
      response.writeHead(answered).end(answered === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await api?.stop();
  await bus?.stop();
});

beforeEach(async () => {
  received = [];
  plan = [];
  process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
  // Each test's events reach only the endpoints it creates.
  const { data: endpoints } = await db().WebhookEndpoint.query.byCompany({ companyId: gc.companyId }).go({ pages: 'all' });
  await Promise.all(endpoints.map(({ endpointId }) => db().WebhookEndpoint.delete({ endpointId }).go()));
});

async function createEndpoint(body: Json = {}) {
  const response = await as('admin')({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiverUrl, eventTypes: ['invoice.status-changed'], ...body } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as Json;
}

/** Commits a domain event the way a state change does: an outbox record in a transaction. */
async function commitEvent(invoiceId: string) {
  const at = new Date();
  const detail = { projectId, invoiceId, commitmentId: 'c-1', billingPeriodId: 'bp-1', fromStatus: 'draft', toStatus: 'submitted', changedBy: people.member.userId, changedAt: at.toISOString() };
  const record = outboxRecord(invoiceStatusChangedEvent, detail, at);
  await dbService().transaction.write((entities) => [outboxWrite(entities, record)]).go();
  return { record, detail };
}

/** The delivery ids the dispatcher asked the delivery function to attempt (the bus recorded the events). */
const requestedDeliveries = () => published.filter((e) => e.detailType === 'webhook.deliveries-due').flatMap((e) => e.detail.deliveryIds as string[]);

const loadDelivery = async (deliveryId: string) => (await db().WebhookDelivery.get({ deliveryId }).go({ consistent: true })).data!;

/** Runs the retry schedule at each retry's due time (twice at once: concurrent dispatch) until the delivery is finished. */
async function retryUntilFinished(deliveryId: string) {
  for (let run = 0; run < 10; run++) {
    const delivery = await loadDelivery(deliveryId);
    if (delivery.status === 'succeeded' || delivery.status === 'failed') return delivery;
    const scheduledTime = new Date(Number(delivery.dueAt) + 1).toISOString();
    await Promise.all([webhookRetries({ schedule: 'webhook-retries', scheduledTime }), webhookRetries({ schedule: 'webhook-retries', scheduledTime })]);
  }
  throw new Error(`delivery ${deliveryId} did not finish`);
}

describe('delivery from the outbox', () => {
  it('a receiver failing 3 times then succeeding gets the event delivered exactly once, signed (verified with standardwebhooks)', async () => {
    const endpoint = await createEndpoint();
    const { record, detail } = await commitEvent('inv-retry');
    plan = [500, 503, 502];

    expect(await dispatchOutbox([record.outboxId])).toMatchObject({ dispatched: [record.outboxId] });
    // A redelivered stream record fans out nothing more.
    expect(await dispatchOutbox([record.outboxId])).toMatchObject({ skipped: [record.outboxId] });
    const [deliveryId] = requestedDeliveries().slice(-1);
    // The first attempt, from the delivery function, twice at once (a duplicated event): one POST.
    await Promise.all([1, 2].map(() => deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: [deliveryId] }))));
    expect(received).toHaveLength(1);

    const delivery = await retryUntilFinished(deliveryId!);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, lastResponseStatus: 200 });
    expect(received.map((r) => r.answered)).toEqual([500, 503, 502, 200]);
    expect(received.filter((r) => r.answered === 200)).toHaveLength(1);
    // Every attempt carries the same webhook-id, and each signature verifies with the endpoint's secret.
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveryId]));
    const verifier = new Webhook(endpoint.secret);
    for (const request of received) expect(verifier.verify(request.body, request.headers)).toEqual({ type: 'invoice.status-changed', timestamp: record.createdAt, data: detail });
    // Retries back off: 30 s, then 60 s, then 120 s between attempts.
    const stamps = received.map((r) => Number(r.headers['webhook-timestamp']));
    const gaps = stamps.slice(1).map((s, i) => s - stamps[i]!);
    [30, 60, 120].forEach((gap, i) => expect(Math.abs(gaps[i]! - gap)).toBeLessThanOrEqual(1));

    // Nothing more is sent, however often the schedule runs.
    await webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date(Date.now() + 3_600_000).toISOString() });
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: [deliveryId] }));
    expect(received).toHaveLength(4);

    // The delivery log through the API.
    const log = await as('admin')({ method: 'GET', path: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries` });
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({ deliveryId, status: 'succeeded', attempts: 4, lastResponseStatus: 200, eventType: 'invoice.status-changed', nextAttemptAt: null }),
    ]);
    expect(log.body.items[0].deliveredAt).toEqual(expect.any(String));
  });

  it('a change committed while the dispatcher is down is delivered once it comes back (the sweeper)', async () => {
    const endpoint = await createEndpoint();
    const { record } = await commitEvent('inv-down');
    // Nobody dispatches it now. Later the sweeper finds it pending and dispatches it.
    const sweep = await outboxSweeper({ schedule: 'outbox-sweeper', scheduledTime: new Date(Date.now() + 5 * 60_000).toISOString() });
    expect(sweep.dispatched).toBeGreaterThanOrEqual(1);
    expect((await db().Outbox.get({ outboxId: record.outboxId }).go()).data?.dispatchedAt).toBeDefined();
    // The delivery-due event was lost too: the retry schedule finds the delivery due and sends it.
    await webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date().toISOString() });
    const mine = received.filter((r) => JSON.parse(r.body).data.invoiceId === 'inv-down');
    expect(mine).toHaveLength(1);
    expect(new Webhook(endpoint.secret).verify(mine[0]!.body, mine[0]!.headers)).toMatchObject({ data: { invoiceId: 'inv-down' } });
  });

  it('one endpoint never gets two deliveries at once, whoever sends them, and the retry schedule sends them in order', async () => {
    // A slow receiver that counts the requests it is answering at the same time.
    let open = 0;
    let mostAtOnce = 0;
    const order: string[] = [];
    const slow = http.createServer((request, response) => {
      open += 1;
      mostAtOnce = Math.max(mostAtOnce, open);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        setTimeout(() => {
          order.push((JSON.parse(Buffer.concat(chunks).toString()) as { data: { invoiceId: string } }).data.invoiceId);
          open -= 1;
          response.writeHead(204).end();
        }, 150),
      );
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      await createEndpoint({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow` });
      const send = async (prefix: string) => {
        const records = [];
        for (let n = 1; n <= 4; n++) {
          records.push((await commitEvent(`${prefix}-${n}`)).record);
          await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation instants: their order
        }
        const before = requestedDeliveries().length;
        await dispatchOutbox(records.map((record) => record.outboxId));
        return requestedDeliveries().slice(before);
      };

      // The retry schedule twice at once: one run holds the endpoint and sends all four in order; the other sends nothing.
      const queued = await send('inv-order');
      expect(queued).toHaveLength(4);
      const scheduledTime = new Date(Date.now() + 1_000).toISOString();
      const runs = await Promise.all([1, 2].map(() => webhookRetries({ schedule: 'webhook-retries', scheduledTime })));
      expect(runs.map((run) => (run as unknown as { succeeded: number }).succeeded).sort()).toEqual([0, 4]);
      expect(order).toEqual(['inv-order-1', 'inv-order-2', 'inv-order-3', 'inv-order-4']);

      // The delivery function (one invocation per delivery, all at once) racing two retry runs: still one POST at a time.
      const raced = await send('inv-race');
      await Promise.all([
        ...raced.map((deliveryId) => deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: [deliveryId] }))),
        webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date(Date.now() + 1_000).toISOString() }),
        webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date(Date.now() + 1_000).toISOString() }),
      ]);
      // What was left to a later run (the endpoint was held) goes out then.
      for (const deliveryId of raced) await retryUntilFinished(deliveryId);
      expect(mostAtOnce).toBe(1);
      expect(order.filter((id) => id.startsWith('inv-race')).sort()).toEqual(['inv-race-1', 'inv-race-2', 'inv-race-3', 'inv-race-4']);
    } finally {
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('a failed POST holds back the endpoint’s later deliveries in that run: they do not overtake it', async () => {
    const endpoint = await createEndpoint();
    const records = [];
    for (const n of [1, 2, 3]) {
      records.push((await commitEvent(`inv-held-${n}`)).record);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await dispatchOutbox(records.map((record) => record.outboxId));
    const [first, ...later] = records.map((record) => deliveryIdFor(record.outboxId, endpoint.endpointId));
    plan = [500];
    const run = await webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date(Date.now() + 1_000).toISOString() });
    expect(run).toMatchObject({ retrying: 1, succeeded: 0 });
    expect(received.map((r) => JSON.parse(r.body).data.invoiceId)).toEqual(['inv-held-1']);
    expect((await loadDelivery(first!)).attempts).toBe(1);
    for (const deliveryId of later) expect(await loadDelivery(deliveryId)).toMatchObject({ status: 'pending', attempts: 0 });
    // The next run sends the later ones (the first is not due again yet), then the first at its retry.
    await webhookRetries({ schedule: 'webhook-retries', scheduledTime: new Date(Date.now() + 2_000).toISOString() });
    await retryUntilFinished(first!);
    expect(received.map((r) => JSON.parse(r.body).data.invoiceId)).toEqual(['inv-held-1', 'inv-held-2', 'inv-held-3', 'inv-held-1']);
  });

  it('an endpoint not subscribed to the event type, or disabled, gets nothing', async () => {
    const other = await createEndpoint({ eventTypes: ['invites.sent'] });
    const disabled = await createEndpoint({ enabled: false });
    const { record } = await commitEvent('inv-unsubscribed');
    await dispatchOutbox([record.outboxId]);
    for (const endpoint of [other, disabled]) {
      const log = await as('admin')({ method: 'GET', path: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries` });
      expect(log.body.items).toEqual([]);
    }
  });

  it('replays a delivery as a new one with its own webhook-id and the same body', async () => {
    const endpoint = await createEndpoint();
    const { record } = await commitEvent('inv-replay');
    await dispatchOutbox([record.outboxId]);
    const [deliveryId] = requestedDeliveries().slice(-1);
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: [deliveryId] }));
    expect(received).toHaveLength(1);

    const replay = await as('admin')({ method: 'POST', path: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries/${deliveryId}/replay` });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ replayOf: deliveryId, status: 'pending', attempts: 0 });
    expect(requestedDeliveries()).toContain(replay.body.deliveryId);
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: [replay.body.deliveryId] }));
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['webhook-id']).toBe(replay.body.deliveryId);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(new Webhook(endpoint.secret).verify(received[1]!.body, received[1]!.headers)).toBeTruthy();

    expectProblem(await as('admin')({ method: 'POST', path: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries/msg_nope/replay` }), 404, 'not-found');
  });

  it('after a rotation both the new and the previous secret verify a delivery, for 24 hours', async () => {
    const endpoint = await createEndpoint();
    const rotated = await as('admin')({ method: 'POST', path: `/v1/webhook-endpoints/${endpoint.endpointId}/rotate-secret` });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const { record } = await commitEvent('inv-rotated');
    await dispatchOutbox([record.outboxId]);
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: requestedDeliveries().slice(-1) }));
    const [request] = received;
    expect(request!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(request!.body, request!.headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(request!.body, request!.headers)).toBeTruthy();
    // The secret is never shown again.
    expect((await as('admin')({ method: 'GET', path: `/v1/webhook-endpoints/${endpoint.endpointId}` })).body.secret).toBeUndefined();
  });

  it('an endpoint failing for a day is disabled, its deliveries stop, and its company admins are emailed', async () => {
    const endpoint = await createEndpoint();
    await db().WebhookEndpoint.patch({ endpointId: endpoint.endpointId }).set({ failingSince: Date.now() - 25 * 3_600_000 }).go();
    const { record } = await commitEvent('inv-dead');
    await dispatchOutbox([record.outboxId]);
    plan = [500];
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: requestedDeliveries().slice(-1) }));
    const read = await as('admin')({ method: 'GET', path: `/v1/webhook-endpoints/${endpoint.endpointId}` });
    expect(read.body).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/24 hours/) });
    // The admins' emails are outbox records of the same write.
    const pending = await loadStalePending(new Date(Date.now() + 60_000));
    const { data: records } = await db().Outbox.get(pending.map((outboxId) => ({ outboxId }))).go();
    const emails = records.filter((r) => r.detailType === 'email.requested' && r.detail.includes(`webhook-disabled:${endpoint.endpointId}`));
    expect(emails.map((r) => JSON.parse(r.detail).to)).toEqual([[people.admin.email]]);
    // The next attempt finds the endpoint disabled: the delivery fails without a POST.
    await retryUntilFinished(requestedDeliveries().at(-1)!);
    expect(received).toHaveLength(1);
    // Enabling it again clears the failure streak.
    const enabled = await as('admin')({ method: 'PATCH', path: `/v1/webhook-endpoints/${endpoint.endpointId}`, headers: ifMatch(read.headers.get('etag')), body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });
});

describe('SSRF under AWS rules', () => {
  it('refuses http URLs, and loopback, private, link-local and metadata addresses however they are written', async () => {
    process.env.WEBHOOK_ALLOW_LOOPBACK = 'false';
    const refused = expectProblem(await as('admin')({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiverUrl, eventTypes: ['invites.sent'] } }), 400, 'validation');
    expect(fieldsOf(refused)).toEqual(['url']);

    const port = (receiver.address() as AddressInfo).port;
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://localhost:${port}/`, 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${port}/`]) {
      const outcome = await postWebhook(url, {}, '{}', { publicOnly: true });
      expect(outcome, url).toMatchObject({ kind: 'error', error: expect.stringMatching(/BlockedTargetError/) });
    }
    expect(received).toHaveLength(0);
  });

  it('a delivery to an endpoint resolving to loopback is refused, retried later, never POSTed', async () => {
    const endpoint = await createEndpoint();
    process.env.WEBHOOK_ALLOW_LOOPBACK = 'false';
    const { record } = await commitEvent('inv-ssrf');
    await dispatchOutbox([record.outboxId]);
    await deliverWebhooks(deliveredEvent('webhook.deliveries-due', { deliveryIds: requestedDeliveries().slice(-1) }));
    const log = await as('admin')({ method: 'GET', path: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries` });
    expect(log.body.items[0]).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: null, lastError: expect.stringMatching(/BlockedTargetError.*loopback/) });
    expect(received).toHaveLength(0);
  });
});

describe('who may manage webhook endpoints', () => {
  it('company admins only: members and vendor users are refused (403), another company sees nothing (404)', async () => {
    const endpoint = await createEndpoint({ description: 'ERP' });
    const path = `/v1/webhook-endpoints/${endpoint.endpointId}`;
    expect((await as('admin')({ method: 'GET', path: '/v1/webhook-endpoints' })).body.items.map((e: Json) => e.endpointId)).toContain(endpoint.endpointId);
    for (const who of ['member', 'vendorUser'] as const) {
      expectProblem(await as(who)({ method: 'GET', path: '/v1/webhook-endpoints' }), 403, 'forbidden');
      expectProblem(await as(who)({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiverUrl, eventTypes: ['invites.sent'] } }), 403, 'forbidden');
      expectProblem(await as(who)({ method: 'GET', path }), 403, 'forbidden');
      expectProblem(await as(who)({ method: 'POST', path: `${path}/rotate-secret` }), 403, 'forbidden');
    }
    expect((await as('otherAdmin')({ method: 'GET', path: '/v1/webhook-endpoints' })).body.items).toEqual([]);
    expectProblem(await as('otherAdmin')({ method: 'GET', path }), 404, 'not-found');
    expectProblem(await as('otherAdmin')({ method: 'GET', path: `${path}/deliveries` }), 404, 'not-found');
    expectProblem(await as('otherAdmin')({ method: 'DELETE', path, headers: { 'if-match': '"1"' } }), 404, 'not-found');

    const read = await as('admin')({ method: 'GET', path });
    const patched = await as('admin')({ method: 'PATCH', path, headers: ifMatch(read.headers.get('etag')), body: { description: 'ERP (prod)', eventTypes: ['invites.sent', 'invoice.status-changed'] } });
    expect(patched.body).toMatchObject({ description: 'ERP (prod)', eventTypes: ['invites.sent', 'invoice.status-changed'] });
    expectProblem(await as('admin')({ method: 'PATCH', path, headers: ifMatch(read.headers.get('etag')), body: { enabled: false } }), 412, 'precondition-failed');
    const badType = expectProblem(await as('admin')({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiverUrl, eventTypes: ['email.requested'] } }), 400, 'validation');
    expect(fieldsOf(badType)[0]).toMatch(/^eventTypes/);
    expect((await as('admin')({ method: 'DELETE', path, headers: ifMatch(patched.headers.get('etag')) })).status).toBe(204);
    expectProblem(await as('admin')({ method: 'GET', path }), 404, 'not-found');
  });
});
