import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openLocalIdp, type LocalIdp } from '../../infra/local/auth';
import { startHttpServer, type LocalHttpServer } from '../../infra/local/http-server';
import { freePort } from '../../infra/local/ports';

/**
 * The API as the integration and e2e tests talk to it: the local API Gateway with its own
 * identity provider, a client that sends and reads JSON, and the checks on problem+json answers.
 */

/** The local API Gateway with its own identity provider, in a data directory of its own. */
export interface TestApi {
  server: LocalHttpServer;
  idp: LocalIdp;
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'test-api-'));
  const idp = await openLocalIdp(dataDir);
  const server = await startHttpServer({ port: await freePort(), host: '127.0.0.1', idp, log: () => undefined });
  return {
    server,
    idp,
    stop: async () => {
      await server.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Response bodies as the tests read them: JSON of any shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

/** A fetch response with its body read (as JSON; as text when it is not JSON, e.g. a CSV; undefined when empty). */
export async function readResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? 'application/json');
  return { status: response.status, headers: response.headers, body: text ? (isJson ? JSON.parse(text) : text) : undefined };
}

/** Calls the API as the bearer of `token` (none when undefined), sending `body` as JSON. */
export function client(api: TestApi) {
  return async function call(token: string | undefined, request: ApiRequest): Promise<ApiResponse> {
    const headers = new Headers(request.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${api.server.url}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
    return readResponse(response);
  };
}

export type Call = ReturnType<typeof client>;

/** The If-Match header for `etag`, or no header when there is none. */
export const ifMatch = (etag?: string | null): Record<string, string> => (etag ? { 'if-match': etag } : {});

/** Fails with the response's body in the message, which is what one needs to see when a seed step breaks. */
export function expectStatus(response: ApiResponse, status: number, what: string): ApiResponse {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(status);
  return response;
}

/**
 * The problem type URIs are a published contract: written out here rather than taken from
 * shared/http/problem, so that changing them fails the tests.
 */
export const problemType = (slug: string) => `https://progress-claims.dev/problems/${slug}`;

/** An RFC 9457 answer: the status, problem+json, the `type` of the slug, a title and a detail. Returns the body. */
export function expectProblem(response: ApiResponse, status: number, slug: string): Json {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ type: problemType(slug), status, title: expect.any(String), detail: expect.any(String) });
  return response.body;
}

/** `expectProblem` for a response fetched directly (raw bodies, the whole local stack). */
export async function expectFetchedProblem(response: Response, status: number, slug: string): Promise<Json> {
  return expectProblem(await readResponse(response), status, slug);
}

/** A refusal: a 403 problem whose detail names the action (when `names` is given), or a 404 one. */
export function expectRefusal(response: ApiResponse, status: 403 | 404, names?: RegExp): void {
  const body = expectProblem(response, status, status === 403 ? 'forbidden' : 'not-found');
  if (status === 403 && names) expect(body.detail).toMatch(names);
}

/** A 404 body without `instance` (the path, which differs by id): what a prober learns. */
export function notFoundBody(response: ApiResponse): Json {
  const { instance: _instance, ...rest } = expectProblem(response, 404, 'not-found');
  return rest;
}

/** The fields a validation problem names, in its order. */
export const fieldsOf = (problem: { errors?: Array<{ field: string }> }): string[] => (problem.errors ?? []).map((e) => e.field);
