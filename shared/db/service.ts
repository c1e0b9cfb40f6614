import { setTimeout as sleep } from 'node:timers/promises';
import { Service, type TransactionItemCode } from 'electrodb';
import { dynamoDocumentClient } from '../aws/clients';
import { config } from '../config';
import { entities } from './table';

let service: Service<typeof entities> | undefined;

/** The ElectroDB service bound to the configured table and the shared DynamoDB client (for `transaction.write`). */
export function dbService() {
  service ??= new Service(entities, { table: config.tableName, client: dynamoDocumentClient() });
  return service;
}

/** The service's entities, for single-item reads, writes and queries. */
export function db() {
  return dbService().entities;
}

/** BatchGet (ElectroDB chunks by 100) that fetches again, with backoff, what DynamoDB left unprocessed. */
export async function batchGetAll<K, T>(keys: K[], get: (keys: K[]) => Promise<{ data: T[]; unprocessed: K[] }>): Promise<T[]> {
  const found: T[] = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 4) throw new Error(`BatchGet left ${pending.length} keys unprocessed`);
    if (attempt > 0) await sleep(50 * 2 ** attempt);
    const { data, unprocessed } = await get(pending);
    found.push(...data);
    pending = unprocessed;
  }
  return found;
}

interface TransactionOutcome {
  canceled: boolean;
  data: ReadonlyArray<{ code: TransactionItemCode }>;
}

/**
 * Runs a write transaction, retrying (with jitter) when DynamoDB cancels it only because
 * another transaction touched the same items at the same moment: a retry then meets the
 * other writer's result and fails its own condition, or succeeds. Conditions that failed
 * are left to the caller, which reads `data[i].code` (ElectroDB answers instead of throwing).
 */
export async function transactWithRetry<R extends TransactionOutcome>(run: () => Promise<R>, attempts = 5): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await run();
    const codes = outcome.data.map((item) => item.code);
    const conflictOnly = outcome.canceled && codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
    if (!conflictOnly || attempt >= attempts) return outcome;
    await sleep(Math.round(Math.random() * 20 * attempt));
  }
}
