import type { ZodMiniType } from '../zod';
import type { FunctionName } from './functions';
import type { Action } from '../domain/permission-policy';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP route, declared once: one API Gateway route in AWS, the same API Gateway v2 event
 * from the local server. Handlers find their schemas here by operationId. It holds what the
 * runtime reads; what only the OpenAPI document says (RouteDocs) lives apart, so no Lambda bundles it.
 */
export interface RouteDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/projects/{projectId}`. */
  readonly path: string;
  readonly function: FunctionName;
  /** `jwt`: the Cognito JWT authorizer must accept the caller's bearer token. */
  readonly auth: 'jwt' | 'none';
  /**
   * Every docs/permissions.md action the handler checks (several when the body or the caller's role
   * decides which; test/unit/route-actions.test.ts reads them from the handler's code);
   * null: any authenticated caller (or public).
   */
  readonly action: Action | readonly Action[] | null;
  readonly request?: { readonly body?: ZodMiniType; readonly query?: ZodMiniType; readonly path?: ZodMiniType };
  /** Success response: its status, and a content type for non-JSON bodies. */
  readonly response: {
    readonly status: number;
    readonly contentType?: string;
  };
}

/**
 * What only the OpenAPI document says of a route (the answer's schema included): declared in the
 * area's documentation module (shared/api/<area>.docs.ts) by operationId, which no handler imports,
 * and read by shared/http/openapi.ts through shared/wiring/route-docs.ts.
 */
export interface RouteDocs {
  readonly summary: string;
  readonly tags: readonly string[];
  /** The success response: what it is, and its JSON schema (none for 204 and non-JSON bodies). */
  readonly response: { readonly description: string; readonly schema?: ZodMiniType };
}

/** The operationIds of an area's route list: its documentation module is `satisfies Record<OperationIdOf<…>, RouteDocs>`. */
export type OperationIdOf<Routes extends readonly RouteDefinition[]> = Routes[number]['operationId'];
