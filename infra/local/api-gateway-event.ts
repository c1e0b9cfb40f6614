import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { RouteDefinition } from '../../shared/wiring/routes';

/**
 * What API Gateway (HTTP API, payload format 2.0) does between the socket and the handler,
 * as pure functions: route matching, the v2 event, and reading the handler's result back.
 * `http-server.ts` does the I/O around them.
 */

/** API Gateway's payload limit for HTTP APIs (10 MB). */
export const payloadLimitBytes = 10 * 1024 * 1024;

/** Locally any origin may call the API; in AWS only the frontend's (see shared/wiring/cors.ts). */
export const localAllowOrigin = '*';

// ---------------------------------------------------------------------------------------------
// Route matching

export type RouteMatch<R extends RouteDefinition = RouteDefinition> =
  | { kind: 'route'; route: R; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledRoute<R> {
  route: R;
  pattern: RegExp;
  params: string[];
}

/**
 * Compiles a route table once into a matcher. Like API Gateway, the most specific route wins:
 * `/billing-periods/current` before `/billing-periods/{billingPeriodId}`.
 */
export function routeMatcher<R extends RouteDefinition>(table: readonly R[]) {
  const compiled: CompiledRoute<R>[] = table
    .map((route) => {
      const params: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          params.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}$`), params };
    })
    .sort((a, b) => a.params.length - b.params.length);

  return (method: string, rawPath: string): RouteMatch<R> => {
    const allow = new Set<string>();
    for (const { route, pattern, params } of compiled) {
      const values = pattern.exec(rawPath);
      if (!values) continue;
      if (route.method !== method) {
        allow.add(route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      try {
        params.forEach((name, i) => (pathParameters[name] = decodeURIComponent(values[i + 1]!)));
      } catch {
        return { kind: 'not-found' }; // malformed percent-encoding names no resource
      }
      return { kind: 'route', route, pathParameters };
    }
    return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow].sort() } : { kind: 'not-found' };
  };
}

// ---------------------------------------------------------------------------------------------
// The request event

export interface RawRequest {
  method: string;
  /** Request target as received: path and query, percent-encoded. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value… in arrival order and case. */
  rawHeaders: readonly string[];
  body?: Buffer;
  sourceIp: string;
  protocol: string;
  requestId: string;
  now: Date;
}

export type ApiGatewayEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * The payload format 2.0 event API Gateway sends for this request. `claims` are given for
 * routes with the JWT authorizer (and then `requestContext.authorizer` is set), as strings.
 */
export function buildApiGatewayEvent(
  request: RawRequest,
  route: RouteDefinition,
  pathParameters: Record<string, string>,
  claims?: Record<string, string>,
): ApiGatewayEvent {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1).split('#')[0]!;
  const { headers, cookies } = joinHeaders(request.rawHeaders);
  const routeKey = `${route.method} ${route.path}`;
  const domainName = headers.host ?? 'localhost';
  const contentType = headers['content-type'];
  const binary = request.body && request.body.length > 0 && !isTextContentType(contentType);

  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: '000000000000',
    apiId: 'local',
    domainName,
    domainPrefix: domainName.split(/[.:]/)[0]!,
    http: {
      method: request.method,
      path: rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: request.requestId,
    routeKey,
    stage: '$default',
    time: clfTime(request.now),
    timeEpoch: request.now.getTime(),
  };
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(rawQueryString && { queryStringParameters: joinQuery(rawQueryString) }),
    requestContext: claims
      ? { ...requestContext, authorizer: { jwt: { claims, scopes: claims.scope ? claims.scope.split(' ') : null } } }
      : requestContext,
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    ...(request.body && request.body.length > 0 && { body: request.body.toString(binary ? 'base64' : 'utf8') }),
    isBase64Encoded: Boolean(binary),
  };
  // Routes without an authorizer get no `authorizer`; handlers of jwt routes may rely on it.
  return event as ApiGatewayEvent;
}

/** Lower-cased names, repeated headers joined with commas; `Cookie` headers become `cookies`. */
function joinHeaders(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Decoded query parameters, repeated names joined with commas. */
function joinQuery(rawQueryString: string): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    joined[name] = name in joined ? `${joined[name]},${value}` : value;
  }
  return joined;
}

/** Bodies API Gateway passes as text; anything else (or no content type) arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    /^application\/([\w.-]+\+)?(json|xml)$/.test(mediaType) ||
    mediaType === 'application/javascript' ||
    mediaType === 'application/x-www-form-urlencoded'
  );
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `21/Nov/2026:07:34:05 +0000`. */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

// ---------------------------------------------------------------------------------------------
// The response

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * Reads a handler's result the way API Gateway does for payload format 2.0: a structured
 * result (with `statusCode`) as given; anything else is a 200 JSON body.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body) };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  if (!Number.isInteger(structured.statusCode) || structured.statusCode! < 100 || structured.statusCode! > 599) {
    throw new Error(`handler returned an invalid statusCode: ${String(structured.statusCode)}`);
  }
  return {
    statusCode: structured.statusCode!,
    headers: Object.fromEntries(Object.entries(structured.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    cookies: structured.cookies ?? [],
    body: Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8'),
  };
}
