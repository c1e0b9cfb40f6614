import type { ZodType } from 'zod';
import type { FunctionName } from './functions';
import { healthResponse } from '../api/system';
import { meResponse, updateMeBody } from '../api/me';

/**
 * The HTTP route table, declared once: one API Gateway route each in AWS, the same
 * API Gateway v2 event from the local server. Handlers find their schemas here by
 * operationId, and the OpenAPI document is generated from it.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/projects/{projectId}`. */
  readonly path: string;
  readonly function: FunctionName;
  /** `jwt`: the Cognito JWT authorizer must accept the caller's bearer token. */
  readonly auth: 'jwt' | 'none';
  /** The PERMISSIONS.md action the handler enforces; null: any authenticated caller (or public). */
  readonly action: string | null;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: { readonly body?: ZodType; readonly query?: ZodType; readonly path?: ZodType };
  /** Success response: status, schema (JSON) or a content type for non-JSON bodies. */
  readonly response: { readonly status: number; readonly description: string; readonly schema?: ZodType; readonly contentType?: string };
}

export const routes = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    function: 'health',
    auth: 'none',
    action: null,
    summary: 'Liveness check',
    tags: ['system'],
    response: { status: 200, description: 'The service is up', schema: healthResponse },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    function: 'openApi',
    auth: 'none',
    action: null,
    summary: 'This API’s OpenAPI 3.1 document',
    tags: ['system'],
    response: { status: 200, description: 'OpenAPI document', contentType: 'application/json' },
  },
  {
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    function: 'docs',
    auth: 'none',
    action: null,
    summary: 'API reference page',
    tags: ['system'],
    response: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    function: 'getMe',
    auth: 'jwt',
    action: null,
    summary: 'The caller, their company and their project memberships',
    tags: ['users'],
    response: { status: 200, description: 'The caller (ETag: its version)', schema: meResponse },
  },
  {
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    function: 'updateMe',
    auth: 'jwt',
    action: null,
    summary: 'Change the caller’s display name (If-Match required)',
    tags: ['users'],
    request: { body: updateMeBody },
    response: { status: 200, description: 'The caller, updated (ETag: its new version)', schema: meResponse },
  },
] as const satisfies readonly RouteDefinition[];

export type OperationId = (typeof routes)[number]['operationId'];

export function routeFor(operationId: OperationId): RouteDefinition {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}
