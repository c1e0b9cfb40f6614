import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

/**
 * The API request a handler's code is running for, wherever it is in the call tree: lets the
 * DynamoDB client mark the request's Idempotency-Key as committed in the same transaction as
 * the handler's own writes (shared/http/idempotency.ts) without threading the event through.
 */
export const currentRequest = new AsyncLocalStorage<APIGatewayProxyEventV2WithJWTAuthorizer>();
