import type { ZodMiniType } from '../zod';
import type { FunctionName } from './functions';
import type { Action } from '../domain/permission-policy';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP route, declared once: one API Gateway route in AWS, the same API Gateway v2 event
 * from the local server. Handlers find their schemas here by operationId, and the OpenAPI
 * document is generated from these declarations.
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
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: { readonly body?: ZodMiniType; readonly query?: ZodMiniType; readonly path?: ZodMiniType };
  /** Success response: status, schema (JSON) or a content type for non-JSON bodies. */
  readonly response: { readonly status: number; readonly description: string; readonly schema?: ZodMiniType; readonly contentType?: string };
}
