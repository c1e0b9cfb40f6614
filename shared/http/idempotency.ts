import { createHash, randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../aws/dynamo';
import { config } from '../config';
import { tableKeys, ttlAttribute } from '../db/keys';
import { logger } from '../logger';
import { replayedReply, type HttpEvent, type HttpResult } from './handler';
import { problems } from './problem';
import { isConditionalFailure } from '../db/conditions';
import { currentRequest } from './request-scope';

/** How long a POST's answer is kept for replays of the same Idempotency-Key (the TTL attribute). */
export const replayWindowSeconds = 24 * 60 * 60;
/** Longest Idempotency-Key accepted (a UUID is 36). */
export const maxIdempotencyKeyLength = 255;
/** How long a client is told to wait before retrying a request still in progress. */
const retryAfterSeconds = 1;
/** Answers larger than this are not kept for replay (DynamoDB items stop at 400 KB); the key then stays "completed" without a body. */
const maxStoredBodyBytes = 300 * 1024;

type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

interface IdempotencyRecord {
  status: 'in_progress' | 'completed';
  bodyHash: string;
  /** Who holds the in-progress record: only that request completes or releases it. */
  token: string;
  /** Epoch ms after which an in-progress record is abandoned (its Lambda ran out of time). */
  lockedUntil: number;
  /**
   * Set by the request's first write transaction, in that transaction: the request changed data.
   * A record with it is never taken over, whatever became of the request afterwards.
   */
  committedAt?: string;
  [ttlAttribute]: number;
  response?: { statusCode: number; headers: Record<string, string>; body?: string };
}

/** The table item of one key: per caller, per method and path, per key. */
function recordKey(event: HttpEvent, key: string) {
  const caller = String(event.requestContext?.authorizer?.jwt?.claims?.sub ?? 'anonymous');
  return {
    [tableKeys.primary.pk]: `idempotency#${caller}`,
    [tableKeys.primary.sk]: `${event.requestContext?.http?.method ?? 'POST'} ${event.rawPath}#${key}`,
  };
}

/** The body as the JSON parser left it (same fields in the same order; whitespace does not count), or as sent. */
function bodyHashOf(event: HttpEvent): string {
  const body: unknown = event.body;
  const bytes =
    body === undefined || body === null ? Buffer.alloc(0)
    : typeof body === 'string' ? Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.from(JSON.stringify(body));
  return createHash('sha256').update(bytes).digest('base64url');
}

const inProgress = () => problems.idempotencyInProgress(retryAfterSeconds);

/** The record each keyed request holds while it runs (by event: the DynamoDB client finds it through currentRequest). */
const reserved = new WeakMap<object, { key: Record<string, string>; token: string }>();

/** Transactions can hold 100 items: one at the limit is left as it is (none of ours comes near). */
const maxTransactionItems = 100;

/**
 * Every write transaction a keyed request makes also stamps its idempotency record
 * `committedAt`, on condition that the request still holds it: the change and the mark commit
 * together. A request that dies after that commit (a crash, a timeout, an error while replying)
 * leaves a record nobody may take over, so a retry can never make the change a second time; and a
 * request whose lock lapsed and was taken over cannot commit at all. Installed once per client.
 */
const markedClients = new WeakSet<object>();
function markCommitsOfKeyedRequests(): void {
  const client = dynamoDocumentClient();
  if (markedClients.has(client)) return;
  markedClients.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const event = currentRequest.getStore();
      const held = event && reserved.get(event);
      const input = args.input as { TransactItems?: unknown[] };
      if (held && context.commandName === 'TransactWriteItemsCommand' && Array.isArray(input.TransactItems) && input.TransactItems.length < maxTransactionItems) {
        const mark = {
          Update: {
            TableName: config.tableName,
            Key: held.key,
            UpdateExpression: 'SET #committedAt = if_not_exists(#committedAt, :now)',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#committedAt': 'committedAt', '#token': 'token' },
            ExpressionAttributeValues: { ':now': new Date().toISOString(), ':token': held.token },
          },
        };
        return next({ ...args, input: { ...input, TransactItems: [...input.TransactItems, mark] } });
      }
      return next(args);
    },
    // Before the document client marshals the input (its items are plain values here).
    { step: 'initialize', name: 'markIdempotencyKeyCommitted' },
  );
}

const invalidKey = () =>
  problems.validation([
    { location: 'header', field: 'idempotency-key', message: `1 to ${maxIdempotencyKeyLength} visible ASCII characters` },
  ]);

/**
 * `Idempotency-Key` on POSTs, on the product's table: the first request with a key reserves a
 * record (a conditional put, so one of any number of concurrent retries wins); the others get
 * 422 when their body differs, 409 with Retry-After while the first runs, and the first answer
 * (status, headers, body, plus `Idempotent-Replayed: true`) once it has finished, for 24 hours.
 * A request that fails (4xx or 5xx) before changing anything releases the key for a retry; one
 * whose change committed (its transaction marked the record, see markCommitsOfKeyedRequests)
 * keeps it even if it then failed or its Lambda died: retries get 409 `idempotency-answer-lost`,
 * never the change a second time. Requests without the header are untouched.
 */
export function idempotencyKey(): Middleware {
  const table = () => config.tableName;
  markCommitsOfKeyedRequests();

  /** Frees the key of a request that changed nothing; one that committed keeps it (its retries learn so at once). */
  const release = async (event: HttpEvent) => {
    const held = reserved.get(event);
    if (!held) return;
    reserved.delete(event);
    const names = { '#token': 'token', '#committedAt': 'committedAt' };
    try {
      await dynamoDocumentClient().send(
        new DeleteCommand({
          TableName: table(),
          Key: held.key,
          ConditionExpression: '#token = :token AND attribute_not_exists(#committedAt)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':token': held.token },
        }),
      );
      return;
    } catch (error) {
      // The key then stays "in progress" until its lock lapses; a retry waits, it does not double.
      if (!isConditionalFailure(error)) return logger.warn('idempotency key not released', { error: error as Error });
    }
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: table(),
          Key: held.key,
          UpdateExpression: 'SET #lockedUntil = :now',
          ConditionExpression: '#token = :token AND attribute_exists(#committedAt)',
          ExpressionAttributeNames: { ...names, '#lockedUntil': 'lockedUntil' },
          ExpressionAttributeValues: { ':token': held.token, ':now': Date.now() },
        }),
      );
      logger.error('a keyed request failed after its change committed: its key answers "answer lost" from now on');
    } catch (error) {
      if (!isConditionalFailure(error)) logger.warn('idempotency key not unlocked', { error: error as Error });
    }
  };

  return {
    before: async (request) => {
      const { event, context } = request;
      const key = event.headers?.['idempotency-key'];
      if (key === undefined) return;
      if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw invalidKey();
      const itemKey = recordKey(event, key);
      const bodyHash = bodyHashOf(event);
      const now = Date.now();
      const remainingMs = context?.getRemainingTimeInMillis?.() ?? 30_000;
      const token = randomUUID();
      const record: IdempotencyRecord = {
        status: 'in_progress',
        bodyHash,
        token,
        lockedUntil: now + remainingMs + 1000,
        [ttlAttribute]: Math.ceil(now / 1000) + replayWindowSeconds,
      };
      try {
        await dynamoDocumentClient().send(
          new PutCommand({
            TableName: table(),
            Item: { ...itemKey, ...record },
            // Free, expired (TTL deletes lazily), or abandoned by a request that ran out of time before changing anything.
            ConditionExpression:
              'attribute_not_exists(#pk) OR #expiry < :nowSeconds OR (#status = :inProgress AND #lockedUntil < :now AND attribute_not_exists(#committedAt))',
            ExpressionAttributeNames: {
              '#pk': tableKeys.primary.pk,
              '#expiry': ttlAttribute,
              '#status': 'status',
              '#lockedUntil': 'lockedUntil',
              '#committedAt': 'committedAt',
            },
            ExpressionAttributeValues: { ':nowSeconds': Math.floor(now / 1000), ':inProgress': 'in_progress', ':now': now },
          }),
        );
        reserved.set(event, { key: itemKey, token });
        return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const { Item } = await dynamoDocumentClient().send(new GetCommand({ TableName: table(), Key: itemKey, ConsistentRead: true }));
      const existing = Item as IdempotencyRecord | undefined;
      // Released between the put and the read: the client retries and then runs.
      if (!existing) throw inProgress();
      if (existing.bodyHash !== bodyHash) throw problems.idempotencyKeyReused();
      if (existing.status !== 'completed' && existing.committedAt && existing.lockedUntil < now) throw problems.idempotencyAnswerLost(existing.committedAt);
      if (existing.status !== 'completed' || !existing.response) throw inProgress();
      const { statusCode, headers, body } = existing.response;
      replayedReply.set(event, { statusCode, headers: { ...headers, 'idempotent-replayed': 'true' }, ...(body !== undefined ? { body } : {}) });
    },

    after: async (request) => {
      const held = reserved.get(request.event);
      const response = request.response;
      if (!held || !response) return;
      const statusCode = response.statusCode ?? 200;
      if (statusCode >= 400) return release(request.event);
      reserved.delete(request.event);
      const body = typeof response.body === 'string' && Buffer.byteLength(response.body) <= maxStoredBodyBytes ? response.body : undefined;
      const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]));
      try {
        await dynamoDocumentClient().send(
          new UpdateCommand({
            TableName: table(),
            Key: held.key,
            UpdateExpression: 'SET #status = :completed, #response = :response',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
            ExpressionAttributeValues: { ':completed': 'completed', ':response': { statusCode, headers, ...(body !== undefined ? { body } : {}) }, ':token': held.token },
          }),
        );
      } catch (error) {
        // The work is done and answered; retries meet "in progress" until the lock lapses (a rare window, logged).
        logger.error('idempotency record not completed', { error: error as Error });
      }
    },

    onError: async (request) => {
      await release(request.event);
    },
  };
}
