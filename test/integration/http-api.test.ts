import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUserId } from '../../infra/local/auth';
import { seedDemoData, demoProject } from '../../infra/local/seed';
import { maxBodyBytes } from '../../shared/http/handler';
import { expectFetchedProblem, startTestApi, type Json, type TestApi } from '../support/api-client';

/**
 * The HTTP stack end to end against DynamoDB Local: the local API Gateway builds the v2 event,
 * the middy chain parses, validates and answers; every failure is problem+json.
 */
let api: TestApi;
let priya: string;

beforeAll(async () => {
  api = await startTestApi();
  await seedDemoData();
  priya = await api.idp.signToken({ sub: localUserId('priya@northbeam.example'), email: 'priya@northbeam.example', name: 'Priya Patel' });
});

afterAll(async () => {
  await api?.stop();
});

/** Raw requests: these tests send bodies that are not JSON and read answers that are not either. */
const call = (pathname: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${api.server.url}${pathname}`, { ...init, headers });
};

const json = (response: Response): Promise<Json> => response.json();

describe('public routes', () => {
  it('GET /health answers 200 JSON without a token, with CORS and a correlation id', async () => {
    const response = await call('/health', { headers: { origin: 'https://app.example.com', 'x-correlation-id': 'abc-123' } });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: 'ok', service: 'progress-claims' });
    expect(response.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(response.headers.get('x-correlation-id')).toBe('abc-123');
  });

  it('GET /openapi.json is the generated document and /docs is a page over it', async () => {
    const response = await call('/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip'); // fetch decodes it
    const document = await json(response);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/v1/me']));
    const docs = await call('/docs');
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    // Swagger UI renders the operations in the browser (test/e2e/docs-page.test.ts) from this document.
    expect(await docs.text()).toMatch(/src="docs\/swagger-ui-bundle\.[0-9a-f]{10}\.js"/);
  });

  it('an unknown route is a 404 problem', async () => {
    await expectFetchedProblem(await call('/v1/nothing-here'), 404, 'not-found');
  });
});

describe('GET /v1/me', () => {
  it('refuses a missing token with 401 problem+json', async () => {
    const response = await call('/v1/me');
    await expectFetchedProblem(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers the caller with company, memberships and an ETag', async () => {
    const response = await call('/v1/me', { token: priya });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"\d+"$/);
    const me = await json(response);
    expect(me).toMatchObject({
      email: 'priya@northbeam.example',
      company: { name: 'Northbeam Constructions', kind: 'general_contractor' },
      projects: expect.arrayContaining([
        expect.objectContaining({ projectId: demoProject.projectId, name: 'Harbour Tower', levels: { commitments: 'admin', headContracts: 'admin' } }),
      ]),
    });
  });

  it('answers 404 for a valid token with no profile', async () => {
    const stranger = await api.idp.signToken({ sub: localUserId('nobody@example.com'), email: 'nobody@example.com', name: 'Nobody' });
    await expectFetchedProblem(await call('/v1/me', { token: stranger }), 404, 'not-found');
  });
});

describe('PATCH /v1/me: body parsing, validation and optimistic concurrency', () => {
  const patch = (body: string, headers: Record<string, string> = {}) =>
    call('/v1/me', { method: 'PATCH', token: priya, body, headers: { 'content-type': 'application/json', ...headers } });
  const currentEtag = async () => (await call('/v1/me', { token: priya })).headers.get('etag')!;

  it('malformed JSON is a 400 problem', async () => {
    const body = await expectFetchedProblem(await patch('{"name": ', { 'if-match': '"1"' }), 400, 'malformed-json');
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it('a wrong content type is a 415 problem', async () => {
    const response = await call('/v1/me', { method: 'PATCH', token: priya, body: 'name=x', headers: { 'content-type': 'text/plain' } });
    const body = await expectFetchedProblem(response, 415, 'unsupported-media-type');
    expect(body.detail).toContain('text/plain');
  });

  it('an invalid field is a 400 problem naming the field', async () => {
    const body = await expectFetchedProblem(await patch(JSON.stringify({ name: '', extra: 1 }), { 'if-match': '"1"' }), 400, 'validation');
    expect(body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ location: 'body', field: 'name' })]),
    );
    expect(body.errors.some((e: { message: string }) => /extra/.test(e.message))).toBe(true);
  });

  it('a body over the API limit is a 413 problem (handler limit and gateway limit)', async () => {
    const large = JSON.stringify({ name: 'x'.repeat(maxBodyBytes) });
    await expectFetchedProblem(await patch(large, { 'if-match': '"1"' }), 413, 'payload-too-large');
    const huge = Buffer.alloc(11 * 1024 * 1024, 'a');
    await expectFetchedProblem(await patch(huge.toString(), { 'if-match': '"1"' }), 413, 'payload-too-large');
  });

  it('a missing If-Match is 428, a stale one 412, the current one 200 with a new ETag', async () => {
    await expectFetchedProblem(await patch(JSON.stringify({ name: 'Priya P.' })), 428, 'precondition-required');
    const etag = await currentEtag();
    const ok = await patch(JSON.stringify({ name: 'Priya P.' }), { 'if-match': etag });
    expect(ok.status).toBe(200);
    expect((await json(ok)).name).toBe('Priya P.');
    expect(ok.headers.get('etag')).not.toBe(etag);
    await expectFetchedProblem(await patch(JSON.stringify({ name: 'Priya Again' }), { 'if-match': etag }), 412, 'precondition-failed');
  });

  it('two concurrent edits with the same ETag: exactly one wins, the other gets 412', async () => {
    const etag = await currentEtag();
    const responses = await Promise.all(
      ['First', 'Second'].map((name) => patch(JSON.stringify({ name }), { 'if-match': etag })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = await json(responses.find((r) => r.status === 200)!);
    const me = await json(await call('/v1/me', { token: priya }));
    expect(me.name).toBe(winner.name);
  });
});

describe('demo data', () => {
  it('Harbour Tower’s head contract has an owner invoice for the first period pre-filled from the approved subcontractor invoices', async () => {
    const contracts = await json(await call(`/v1/projects/${demoProject.projectId}/head-contracts`, { token: priya }));
    const contract = contracts.items.find((c: Json) => c.number === 'PC-001');
    const invoices = await json(await call(`/v1/projects/${demoProject.projectId}/head-contracts/${contract.headContractId}/owner-invoices`, { token: priya }));
    expect(invoices.items).toHaveLength(1);
    const owner = await json(await call(`/v1/projects/${demoProject.projectId}/owner-invoices/${invoices.items[0].ownerInvoiceId}`, { token: priya }));
    // PO-002's approved invoice billed $28,400.00 on 15-410; SC-002's is still under review.
    const hotWater = owner.prefill.lines.find((l: Json) => l.costCode === '15-410');
    expect(hotWater).toMatchObject({ workThisPeriodCents: 2_840_000, sources: [expect.objectContaining({ commitmentNumber: 'PO-002', workThisPeriodCents: 2_840_000 })] });
    expect(owner.totals.workThisPeriodCents).toBe(2_840_000);
    expect(owner.prefill.includedInvoices).toHaveLength(1);
  });
});
