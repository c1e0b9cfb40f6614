import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../shared/wiring/routes';
import {
  buildApiGatewayEvent,
  isTextContentType,
  routeMatcher,
  toHttpResponse,
  type RawRequest,
} from '../../infra/local/api-gateway-event';

const route = (method: RouteDefinition['method'], path: string, auth: RouteDefinition['auth'] = 'jwt'): RouteDefinition => ({
  operationId: `${method} ${path}`,
  method,
  path,
  function: 'health',
  auth,
  action: null,
  response: { status: 200 },
});

const table = [
  route('GET', '/v1/projects/{projectId}/billing-periods/{billingPeriodId}'),
  route('GET', '/v1/projects/{projectId}/billing-periods/current'),
  route('GET', '/v1/projects/{projectId}'),
  route('PATCH', '/v1/projects/{projectId}'),
  route('GET', '/health', 'none'),
];
const match = routeMatcher(table);

describe('routeMatcher', () => {
  it('decodes path parameters', () => {
    const result = match('GET', '/v1/projects/p%201%2F2');
    expect(result).toMatchObject({ kind: 'route', route: { path: '/v1/projects/{projectId}' }, pathParameters: { projectId: 'p 1/2' } });
  });

  it('prefers the most specific route, whatever the table order', () => {
    expect(match('GET', '/v1/projects/p1/billing-periods/current')).toMatchObject({
      kind: 'route',
      route: { path: '/v1/projects/{projectId}/billing-periods/current' },
      pathParameters: { projectId: 'p1' },
    });
    expect(match('GET', '/v1/projects/p1/billing-periods/b7')).toMatchObject({ pathParameters: { projectId: 'p1', billingPeriodId: 'b7' } });
  });

  it('tells a known path with another method (405, with what it allows) from an unknown path (404)', () => {
    expect(match('DELETE', '/v1/projects/p1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'PATCH'] });
    expect(match('GET', '/v1/nothing')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/v1/projects/p1/')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/v1/projects/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });
});

describe('buildApiGatewayEvent', () => {
  const now = new Date('2027-03-05T09:04:03.120Z');
  const request = (overrides: Partial<RawRequest> = {}): RawRequest => ({
    method: 'GET',
    url: '/v1/projects/p%201?status=open&status=closed&q=a%20b&flag',
    rawHeaders: ['Host', 'localhost:3000', 'X-Multi', 'one', 'x-multi', 'two', 'Cookie', 'a=1; b=2', 'User-Agent', 'curl/8'],
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    requestId: 'req-1',
    now,
    ...overrides,
  });
  const projectRoute = table[2]!;

  it('builds the payload format 2.0 event API Gateway sends', () => {
    const event = buildApiGatewayEvent(request(), projectRoute, { projectId: 'p 1' }, { sub: 'u1', email: 'a@b.example' });
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'GET /v1/projects/{projectId}',
      rawPath: '/v1/projects/p%201',
      rawQueryString: 'status=open&status=closed&q=a%20b&flag',
      cookies: ['a=1', 'b=2'],
      headers: { host: 'localhost:3000', 'x-multi': 'one,two', 'user-agent': 'curl/8' },
      queryStringParameters: { status: 'open,closed', q: 'a b', flag: '' },
      pathParameters: { projectId: 'p 1' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: 'localhost:3000',
        domainPrefix: 'localhost',
        http: { method: 'GET', path: '/v1/projects/p%201', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
        requestId: 'req-1',
        routeKey: 'GET /v1/projects/{projectId}',
        stage: '$default',
        time: '05/Mar/2027:09:04:03 +0000',
        timeEpoch: now.getTime(),
        authorizer: { jwt: { claims: { sub: 'u1', email: 'a@b.example' }, scopes: null } },
      },
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have, and the authorizer on routes without one', () => {
    const event = buildApiGatewayEvent(request({ url: '/health', rawHeaders: ['Host', 'localhost'] }), table[4]!, {});
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.rawQueryString).toBe('');
  });

  it('passes text bodies as UTF-8 and everything else base64-encoded', () => {
    const json = '{"name":"Zoë"}';
    const text = buildApiGatewayEvent(
      request({ method: 'POST', rawHeaders: ['Content-Type', 'application/json; charset=utf-8'], body: Buffer.from(json) }),
      projectRoute,
      {},
    );
    expect(text).toMatchObject({ body: json, isBase64Encoded: false });

    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00]);
    const binary = buildApiGatewayEvent(request({ method: 'PUT', rawHeaders: ['Content-Type', 'application/pdf'], body: bytes }), projectRoute, {});
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });
});

describe('isTextContentType', () => {
  it.each([
    ['application/json', true],
    ['application/problem+json; charset=utf-8', true],
    ['text/csv', true],
    ['application/xml', true],
    ['application/x-www-form-urlencoded', true],
    ['application/pdf', false],
    ['image/png', false],
    ['multipart/form-data; boundary=x', false],
    [undefined, false],
  ])('%s → %s', (contentType, text) => expect(isTextContentType(contentType)).toBe(text));
});

describe('toHttpResponse', () => {
  it('reads a structured result, decoding a base64 body', () => {
    const response = toHttpResponse({
      statusCode: 201,
      headers: { ETag: '"3"', 'X-Count': 2 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from('%PDF').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response).toEqual({ statusCode: 201, headers: { etag: '"3"', 'x-count': '2' }, cookies: ['a=1; Path=/', 'b=2'], body: Buffer.from('%PDF') });
  });

  it('turns any other result into a 200 JSON body, as API Gateway does', () => {
    expect(toHttpResponse({ ok: true })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('refuses a result whose status code is not one', () => {
    expect(() => toHttpResponse({ statusCode: 'ok' })).toThrow(/invalid statusCode/);
  });
});
