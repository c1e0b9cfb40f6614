import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from '../zod';
import { logContext, logger } from '../logger';
import type { OperationId, RouteDefinition, routes } from '../wiring/routes';
import { callerFromEvent, type Caller } from './auth';
import { ConflictError, InputError } from '../domain/errors';
import { HttpProblem, problems, type FieldError } from './problem';
import { currentRequest } from './request-scope';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Largest JSON body any route accepts (API Gateway's own cap is 10 MB). */
export const maxBodyBytes = 1024 * 1024;

type RouteOf<Op extends OperationId> = Extract<(typeof routes)[number], { operationId: Op }>;
type ParsedPart<R, K extends string> = R extends { request: { [P in K]: infer S extends z.ZodMiniType } } ? z.infer<S> : undefined;

export interface HttpInput<Op extends OperationId> {
  body: ParsedPart<RouteOf<Op>, 'body'>;
  query: ParsedPart<RouteOf<Op>, 'query'>;
  path: ParsedPart<RouteOf<Op>, 'path'>;
  /** The verified caller; routes declared `auth: 'none'` get `undefined`. */
  caller: RouteOf<Op> extends { auth: 'jwt' } ? Caller : undefined;
  headers: Record<string, string | undefined>;
  event: HttpEvent;
  context: Context;
}

/** What a handler answers: a JSON body, or `text` or `binary` bytes with its content type. */
export interface Reply {
  status?: number;
  body?: unknown;
  text?: string;
  /** Sent base64-encoded, as API Gateway expects binary Lambda replies. */
  binary?: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Parsed input travels on the event under a symbol, out of the way of API Gateway's fields. */
const parsedKey = Symbol('parsed');
interface Parsed {
  body: unknown;
  query: unknown;
  path: unknown;
  caller: Caller | undefined;
}
type ParsedEvent = HttpEvent & { [parsedKey]?: Parsed };

/**
 * An earlier answer to replay instead of running the handler (set by the idempotency
 * middleware), so the rest of the chain (logging, correlation id) still runs.
 */
export const replayedReply = new WeakMap<HttpEvent, HttpResult>();

/**
 * What a module adds to the chain. `idempotency` (shared/http/idempotency.ts) is passed in by
 * modules that serve POSTs, so functions without POSTs do not bundle its DynamoDB client.
 */
export interface ChainOptions {
  idempotency?: () => MiddlewareObj<HttpEvent, HttpResult, Error, Context>;
}

/**
 * The routes a function serves, as its areas declare them (shared/api/*): a function is given only
 * its own areas' tables, so it bundles only their schemas, not every route's (the whole table is
 * for CDK, the local server and the OpenAPI document).
 */
export type AreaRoutes = readonly RouteDefinition[];

function routeIn(areaRoutes: AreaRoutes, operationId: string): RouteDefinition {
  const route = areaRoutes.find((candidate) => candidate.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId} among the routes given to this function`);
  return route;
}

/**
 * The one way to write an HTTP handler: the route's declaration (by operationId) drives
 * body parsing, validation, auth and the OpenAPI document; the handler only does its job.
 */
export function httpHandler<Op extends OperationId>(
  areaRoutes: AreaRoutes,
  operationId: Op,
  handle: (input: HttpInput<Op>) => Promise<Reply>,
  options: ChainOptions = {},
) {
  const route = routeIn(areaRoutes, operationId);
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(logContext())
    .use(requestLog(route))
    .use(problemResponses())
    .use(httpHeaderNormalizer())
    .use(bodyLimit())
    .use(route.request?.body ? [httpJsonBodyParser()] : [])
    .use(authorizeAndValidate(route))
    .use(route.method === 'POST' && options.idempotency ? [options.idempotency()] : [])
    .handler(async (event: ParsedEvent, context) => {
      const replay = replayedReply.get(event);
      if (replay) return replay;
      const parsed = event[parsedKey]!;
      const reply = await currentRequest.run(event, () =>
        handle({
          ...parsed,
          headers: event.headers ?? {},
          event,
          context,
        } as HttpInput<Op>),
      );
      return toResult(route, reply);
    });
}

function toResult(route: RouteDefinition, reply: Reply): HttpResult {
  const status = reply.status ?? route.response.status;
  if (reply.binary !== undefined) {
    return {
      statusCode: status,
      headers: { 'content-type': reply.contentType ?? 'application/octet-stream', ...reply.headers },
      body: Buffer.from(reply.binary).toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (reply.text !== undefined) {
    return {
      statusCode: status,
      headers: { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8', ...reply.headers },
      body: reply.text,
    };
  }
  if (reply.body === undefined) return { statusCode: status, headers: { ...reply.headers } };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    body: JSON.stringify(reply.body),
  };
}

/** One log line per request: method, route, status, latency and the correlation id. */
function requestLog(route: RouteDefinition): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const started = new WeakMap<object, number>();
  const log = (request: middy.Request<HttpEvent, HttpResult, Error, Context>) => {
    const status = request.response?.statusCode ?? 500;
    const latencyMs = Date.now() - (started.get(request) ?? Date.now());
    const line = { method: route.method, route: route.path, path: request.event.rawPath, status, latencyMs };
    if (status >= 500) logger.error('request', { ...line, error: request.error });
    else logger.info('request', line);
    request.response = {
      ...request.response,
      headers: { ...request.response?.headers, 'x-correlation-id': String(logger.getCorrelationId() ?? '') },
    };
  };
  return {
    before: (request) => {
      started.set(request, Date.now());
      const headers = request.event.headers ?? {};
      logger.setCorrelationId(headers['x-correlation-id'] ?? request.event.requestContext?.requestId ?? request.context.awsRequestId);
    },
    after: log,
    onError: log,
  };
}

/** Every failure leaves as application/problem+json; unexpected ones are logged and hidden. */
function problemResponses(): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: (request) => {
      const problem = toProblem(request.error);
      if (problem.status === 503) logger.warn('dependency unavailable', { error: request.error as Error });
      else if (problem.status >= 500) logger.error('unhandled error', { error: request.error as Error });
      request.response = {
        statusCode: problem.status,
        headers: { ...problem.headers, 'content-type': 'application/problem+json' },
        body: JSON.stringify(problem.toJSON(request.event.rawPath)),
      };
    },
  };
}

/** SDK errors (by name or Node error code) that mean DynamoDB or another AWS service is unreachable or throttling. */
const unavailableNames = new Set([
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'TransactionInProgressException',
]);
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether an error, or one it wraps (ElectroDB wraps the SDK's in `cause`), says a dependency is down or busy. */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error as { name?: string; code?: string; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (unavailableNames.has(current.name ?? '') || unavailableCodes.has(current.code ?? '')) return true;
    current = current.cause as typeof current;
  }
  return false;
}

/** The one place domain errors become problems: input to fix → 400 naming body fields; clashes → 409. */
function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isDependencyUnavailable(error)) return problems.unavailable();
  if (error instanceof InputError) return problems.validation(error.issues.map((issue) => ({ location: 'body', ...issue })));
  if (error instanceof ConflictError) return problems.conflict(error.message);
  const cause = (error as { cause?: { package?: string; message?: string; data?: string } } | null)?.cause;
  if (cause?.package === '@middy/http-json-body-parser') {
    return (error as Error).message === 'Unsupported Media Type'
      ? problems.unsupportedMediaType(cause.data)
      : problems.malformedJson(cause.message ?? 'the body is empty');
  }
  return problems.internal();
}

function bodyLimit(): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: ({ event }) => {
      if (!event.body) return;
      const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes > maxBodyBytes) throw problems.payloadTooLarge(maxBodyBytes);
    },
  };
}

function authorizeAndValidate(route: RouteDefinition): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: ({ event }) => {
      const caller = route.auth === 'jwt' ? callerFromEvent(event) : undefined;
      const errors: FieldError[] = [];
      const parse = (location: FieldError['location'], schema: z.ZodMiniType | undefined, value: unknown) => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        if (result.success) return result.data;
        for (const issue of result.error.issues) {
          errors.push({ location, field: issue.path.map(String).join('.'), message: issue.message });
        }
        return undefined;
      };
      const parsed: Parsed = {
        path: parse('path', route.request?.path, event.pathParameters ?? {}),
        query: parse('query', route.request?.query, event.queryStringParameters ?? {}),
        body: parse('body', route.request?.body, event.body),
        caller,
      };
      if (errors.length > 0) throw problems.validation(errors);
      (event as ParsedEvent)[parsedKey] = parsed;
    },
  };
}

/** One operation's handler, as a module of a resource folder exports it to the resource's `httpRouter`. */
export type OperationHandler<Op extends OperationId> = (input: HttpInput<Op>) => Promise<Reply>;
type OperationHandlers = { [Op in OperationId]?: OperationHandler<Op> };

/**
 * One Lambda serving several routes: each operation gets its own `httpHandler` chain, and the
 * event's routeKey (`GET /v1/projects/{projectId}`) picks it, as API Gateway routed it.
 */
export function httpRouter(areaRoutes: AreaRoutes, handlers: OperationHandlers, options: ChainOptions = {}) {
  const byRouteKey = new Map<string, ReturnType<typeof httpHandler>>();
  for (const [operationId, handle] of Object.entries(handlers)) {
    const route = routeIn(areaRoutes, operationId);
    byRouteKey.set(`${route.method} ${route.path}`, httpHandler(areaRoutes, operationId as OperationId, handle as never, options));
  }
  const handler = async (event: HttpEvent, context: Context) => {
    const chain = byRouteKey.get(event.routeKey);
    if (!chain) throw new Error(`no operation for route ${event.routeKey}`);
    return chain(event, context);
  };
  return Object.assign(handler, { operations: Object.keys(handlers) as OperationId[], idempotent: Boolean(options.idempotency) });
}
