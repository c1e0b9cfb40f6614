import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../shared/aws/dynamo';
import { encodeCursor } from '../../shared/http/cursor';
import { expectProblem, expectStatus, fieldsOf, readResponse, type ApiRequest, type Call, type TestApi } from '../support/api-client';
import { createCommitment, startFixtureApi, type PermissionFixture } from '../support/permission-fixtures';
import { freePort } from '../../infra/local/ports';

/**
 * Input that once reached a 500 (issue 10 §5), through the local API Gateway: each is now a 4xx
 * problem+json naming what is wrong, and a database that does not answer is a 503 to retry.
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

describe('cursors', () => {
  it('a cursor signed with the key but garbled inside is a 400 naming cursor', async () => {
    const scope = `vendors:${fx.projectId}`;
    const garbled = [
      encodeCursor(scope, 'not base64 json at all')!,
      encodeCursor(scope, Buffer.from(JSON.stringify({ pk: 1, sk: ['x'] })).toString('base64url'))!,
      encodeCursor(scope, Buffer.from(JSON.stringify({ pk: 'a', sk: 'b', evil: 'c' })).toString('base64url'))!,
      `${Buffer.from('{"s":').toString('base64url')}.x`,
    ];
    for (const cursor of garbled) {
      const problem = expectProblem(await admin({ method: 'GET', path: `${vendorsUrl()}?cursor=${encodeURIComponent(cursor)}` }), 400, 'validation');
      expect(fieldsOf(problem)).toEqual(['cursor']);
    }
  });

  it('a cursor the list gave out still pages', async () => {
    for (const name of ['Cursor One', 'Cursor Two']) expectStatus(await admin({ method: 'POST', path: vendorsUrl(), body: { name } }), 201, name);
    const first = expectStatus(await admin({ method: 'GET', path: `${vendorsUrl()}?limit=1` }), 200, 'page 1').body;
    expectStatus(await admin({ method: 'GET', path: `${vendorsUrl()}?limit=1&cursor=${encodeURIComponent(first.nextCursor)}` }), 200, 'page 2');
  });
});

describe('If-Match', () => {
  it('a 400-digit version is a 412, never Infinity sent to DynamoDB; * means any version', async () => {
    const commitment = await createCommitment(call, fx, { sov: false });
    const patch = (ifMatch: string) => admin({ method: 'PATCH', path: commitment.path, body: { title: 'Renamed' }, headers: { 'if-match': ifMatch } });
    expectProblem(await patch(`"${'9'.repeat(400)}"`), 412, 'precondition-failed');
    expectProblem(await patch(`"${'1'.repeat(16)}"`), 412, 'precondition-failed');
    const any = expectStatus(await patch('*'), 200, 'If-Match: *');
    expect(any.body.title).toBe('Renamed');
  });
});

describe('the local API Gateway’s limits', () => {
  const raw = (path: string, headers: Record<string, string> = {}) => fetch(`${api.server.url}${path}`, { headers });

  it('a URL over 8 KB is a 414 problem+json', async () => {
    const response = await readResponse(await raw(`/health?q=${'x'.repeat(17 * 1024)}`));
    expectProblem(response, 414, 'uri-too-long');
  });

  it('headers over 10 KB are a 431 problem+json, also beyond what Node parses', async () => {
    expectProblem(await readResponse(await raw('/health', { 'x-big': 'y'.repeat(12 * 1024) })), 431, 'headers-too-large');
    expectProblem(await readResponse(await raw('/health', { 'x-huge': 'y'.repeat(80 * 1024) })), 431, 'headers-too-large');
  });
});

describe('DynamoDB unreachable', () => {
  /** Sends the shared client's requests to a port nobody listens on, for the duration of `run`. */
  async function withDynamoUnreachable(run: () => Promise<void>) {
    const port = await freePort();
    const name = 'test-unreachable';
    dynamoDocumentClient().middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname: string; port?: number };
        request.hostname = '127.0.0.1';
        request.port = port;
        return next(args);
      },
      { step: 'finalizeRequest', name, priority: 'low' },
    );
    try {
      await run();
    } finally {
      dynamoDocumentClient().middlewareStack.remove(name);
    }
  }

  it('answers 503 problem+json with Retry-After, and /ready says so; /ready is 200 when it answers', async () => {
    expectStatus(await call(undefined, { method: 'GET', path: '/ready' }), 200, 'ready');
    await withDynamoUnreachable(async () => {
      const listed = await admin({ method: 'GET', path: vendorsUrl() });
      expectProblem(listed, 503, 'unavailable');
      expect(listed.headers.get('retry-after')).toBe('5');
      const ready = await call(undefined, { method: 'GET', path: '/ready' });
      expectProblem(ready, 503, 'unavailable');
      expect(ready.headers.get('retry-after')).toBe('5');
    });
    expectStatus(await admin({ method: 'GET', path: vendorsUrl() }), 200, 'after');
  });
});
