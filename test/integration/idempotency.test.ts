import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectStatus, type ApiRequest, type ApiResponse, type Call, type Json, type TestApi } from '../support/api-client';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { createCommitment, enablePayments, paymentBody, startFixtureApi, type PermissionFixture } from '../support/permission-fixtures';

/**
 * Idempotency-Key through the local API Gateway against DynamoDB Local: one key is at most
 * one resource for the record's lifetime — another body is a 422, a retry while the first runs
 * a 409 with Retry-After, a retry afterwards the first answer replayed.
 */
let api: TestApi;
let fx: PermissionFixture;
let call: Call;

beforeAll(async () => {
  ({ api, fx, call } = await startFixtureApi());
});

afterAll(async () => {
  await api?.stop();
});

const admin = (request: ApiRequest) => call(fx.users.admin.token, request);
const vendorsUrl = () => `/v1/projects/${fx.projectId}/vendors`;
const vendorsNamed = async (name: string) => {
  const { items } = expectStatus(await admin({ method: 'GET', path: `${vendorsUrl()}?limit=100` }), 200, 'list vendors').body;
  return items.filter((v: Json) => v.name === name);
};

describe('Idempotency-Key', () => {
  it('k1 Acme → 201; k1 "Acme typo" → 422; k1 Acme → the same 201 replayed; one vendor', async () => {
    const name = `Acme ${randomUUID().slice(0, 6)}`;
    const key = { 'idempotency-key': `k1-${randomUUID()}` };
    const first = expectStatus(await admin({ method: 'POST', path: vendorsUrl(), body: { name }, headers: key }), 201, 'first');
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const typo = expectProblem(await admin({ method: 'POST', path: vendorsUrl(), body: { name: `${name} typo` }, headers: key }), 422, 'idempotency-key-reused');
    expect(typo.detail).toMatch(/different request body/);

    const fromBrowser = { ...key, origin: 'http://localhost:5173' };
    const replay = expectStatus(await admin({ method: 'POST', path: vendorsUrl(), body: { name }, headers: fromBrowser }), 201, 'replay');
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('access-control-expose-headers')).toMatch(/idempotent-replayed/);
    expect(await vendorsNamed(name)).toHaveLength(1);
    expect(await vendorsNamed(`${name} typo`)).toHaveLength(0);
  });

  it('the same key by another caller, or on another path, is another request', async () => {
    const key = { 'idempotency-key': `shared-${randomUUID()}` };
    const name = `Keyed ${randomUUID().slice(0, 6)}`;
    expectStatus(await admin({ method: 'POST', path: vendorsUrl(), body: { name }, headers: key }), 201, 'vendor');
    const project = await admin({ method: 'POST', path: '/v1/projects', body: { name: 'Keyed project', number: `KP-${randomUUID().slice(0, 4)}`, timeZone: 'UTC', region: 'en-US' }, headers: key });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    expect(project.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a request that fails releases its key: the retry runs', async () => {
    const key = { 'idempotency-key': `fail-${randomUUID()}` };
    const unknownVendor = { vendorId: randomUUID() };
    expectProblem(await admin({ method: 'POST', path: vendorsUrl(), body: unknownVendor, headers: key }), 404, 'not-found');
    const again = expectProblem(await admin({ method: 'POST', path: vendorsUrl(), body: unknownVendor, headers: key }), 404, 'not-found');
    expect(again.status).toBe(404);
  });

  it('a request that fails after its change committed keeps its key: the retry is told so and makes no second vendor', async () => {
    const name = `Committed ${randomUUID().slice(0, 6)}`;
    const key = { 'idempotency-key': `committed-${randomUUID()}` };
    // The Lambda dies (here: throws) right after the vendor's transaction committed, before answering.
    let armed = true;
    const client = dynamoDocumentClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (armed && context.commandName === 'TransactWriteItemsCommand') {
          armed = false;
          throw new Error('injected: the function died after the commit');
        }
        return result;
      },
      { step: 'initialize', name: 'dieAfterCommit', priority: 'low' },
    );
    try {
      const died = await admin({ method: 'POST', path: vendorsUrl(), body: { name }, headers: key });
      expect(died.status).toBe(500);
    } finally {
      client.middlewareStack.remove('dieAfterCommit');
    }
    expect(await vendorsNamed(name)).toHaveLength(1);

    const answer = await admin({ method: 'POST', path: vendorsUrl(), body: { name }, headers: key });
    expect(expectProblem(answer, 409, 'idempotency-answer-lost').detail).toMatch(/made its change at .*Do not send it again/);
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(await vendorsNamed(name)).toHaveLength(1);
    // Another body under the key is still the client's mistake, said as such.
    expectProblem(await admin({ method: 'POST', path: vendorsUrl(), body: { name: `${name} 2` }, headers: key }), 422, 'idempotency-key-reused');
  });

  it('refuses a key that is not 1–255 visible characters (400 naming the header)', async () => {
    const problem = expectProblem(
      await admin({ method: 'POST', path: vendorsUrl(), body: { name: 'Long key' }, headers: { 'idempotency-key': 'x'.repeat(256) } }),
      400,
      'validation',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ location: 'header', field: 'idempotency-key' })]);
  });

  /** 100 concurrent sends of one request with one key: 201s that all carry one resource, the rest 409 in progress. */
  async function hundredRetries(request: ApiRequest, idOf: (body: Json) => string): Promise<string> {
    const keyed = { ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } };
    const answers: ApiResponse[] = await Promise.all(Array.from({ length: 100 }, () => admin(keyed)));
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].every((s) => s === 201 || s === 409), JSON.stringify([...statuses])).toBe(true);
    for (const busy of answers.filter((a) => a.status === 409)) {
      expectProblem(busy, 409, 'idempotency-in-progress');
      expect(busy.headers.get('retry-after')).toBe('1');
    }
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => idOf(a.body)));
    expect(ids.size).toBe(1);
    const after = expectStatus(await admin(keyed), 201, 'retry after the storm');
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(idOf(after.body)).toBe([...ids][0]);
    return [...ids][0]!;
  }

  it('100 concurrent retries of POST …/vendors create one vendor', async () => {
    const name = `Storm Vendor ${randomUUID().slice(0, 6)}`;
    await hundredRetries({ method: 'POST', path: vendorsUrl(), body: { name } }, (b) => b.vendorId);
    expect(await vendorsNamed(name)).toHaveLength(1);
  });

  it('100 concurrent retries of POST /projects create one project', async () => {
    const number = `ST-${randomUUID().slice(0, 6)}`;
    await hundredRetries({ method: 'POST', path: '/v1/projects', body: { name: 'Storm Tower', number, timeZone: 'UTC', region: 'en-US' } }, (b) => b.projectId);
    const { projects } = expectStatus(await admin({ method: 'GET', path: '/v1/me' }), 200, 'me').body;
    expect(projects.filter((p: Json) => p.number === number)).toHaveLength(1);
  });

  it('100 concurrent retries of POST …/commitments create one commitment', async () => {
    const number = `STORM-${randomUUID().slice(0, 6)}`;
    const body = { type: 'subcontract', number, title: 'Storm works', vendorId: fx.vendorId, accountingMethod: 'amount', private: false, privateUserIds: [], invoiceContactIds: fx.contactIds };
    await hundredRetries({ method: 'POST', path: `/v1/projects/${fx.projectId}/commitments`, body }, (b) => b.commitmentId);
    const { items } = expectStatus(await admin({ method: 'GET', path: `/v1/projects/${fx.projectId}/commitments?q=${number}&limit=100` }), 200, 'search').body;
    expect(items.filter((c: Json) => c.number === number)).toHaveLength(1);
  });

  it('100 concurrent retries of POST …/payments record one payment', async () => {
    const commitment = await createCommitment(call, fx, { sov: false });
    await enablePayments(call, fx, commitment);
    await hundredRetries({ method: 'POST', path: `${commitment.path}/payments`, body: { ...paymentBody(), paymentNumber: `A-${randomUUID()}` } }, (b) => b.paymentId);
    // Another number each time would not be caught by the number's uniqueness: the key alone holds it to one.
    const { items } = expectStatus(await admin({ method: 'GET', path: `${commitment.path}/payments?limit=100` }), 200, 'list').body;
    expect(items).toHaveLength(1);
  });

  it('100 concurrent retries of POST …/change-orders create one change order', async () => {
    const commitment = await createCommitment(call, fx);
    const line = { kind: 'add', costCode: '16-900', description: 'Storm damage', amountCents: 1_000 };
    const body = { number: `CO-${randomUUID().slice(0, 6)}`, title: 'Storm CO', lines: [line] };
    await hundredRetries({ method: 'POST', path: `${commitment.path}/change-orders`, body }, (b) => b.changeOrderId);
    const { items } = expectStatus(await admin({ method: 'GET', path: `${commitment.path}/change-orders?limit=100` }), 200, 'list').body;
    expect(items.filter((c: Json) => c.title === 'Storm CO')).toHaveLength(1);
  });
});
