import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { config } from '../config';
import { tableKeys, ttlAttribute } from '../db/keys';
import type { HttpEvent, HttpResult } from './handler';

/** How long a POST's answer is kept for replays of the same Idempotency-Key. */
const replayWindowSeconds = 24 * 60 * 60;

type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;
let powertools: Middleware | undefined;

/**
 * `Idempotency-Key` on POSTs (Powertools idempotency, records in the product's table under
 * `idempotency#<function>`): a retry with the same key, caller and path gets the first answer
 * again instead of creating or sending twice. Requests without the header are untouched.
 */
export function idempotencyKey(): Middleware {
  const active = (event: HttpEvent) => Boolean(event.headers?.['idempotency-key']);
  const middleware = () =>
    (powertools ??= makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.tableName,
        keyAttr: tableKeys.primary.pk,
        sortKeyAttr: tableKeys.primary.sk,
        expiryAttr: ttlAttribute,
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: '[requestContext.authorizer.jwt.claims.sub, requestContext.http.method, rawPath, headers."idempotency-key"]',
        // The same key with another body is a client bug, not a replay.
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: replayWindowSeconds,
      }),
    }) as Middleware);
  return {
    before: (request) => (active(request.event) ? middleware().before?.(request) : undefined),
    after: (request) => (active(request.event) ? middleware().after?.(request) : undefined),
    onError: (request) => (active(request.event) ? middleware().onError?.(request) : undefined),
  };
}
