import { setTimeout as sleep } from 'node:timers/promises';
import type { Entity, Service, TransactionItemCode } from 'electrodb';
import { dynamoDocumentClient } from '../aws/dynamo';
import { config } from '../config';
import { createWriteTransaction } from './electrodb';
import { entities } from './table';

type Entities = typeof entities;
type AnyEntity = Entity<any, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any entity of the table

/** What joining entities into an ElectroDB Service did, without its 19 KB (see electrodb.ts). */
function bindToTable(entity: AnyEntity): void {
  entity.setTableName(config.tableName);
  entity.setClient(dynamoDocumentClient());
}

/**
 * The given entities, bound to the configured table and the shared DynamoDB client on first use.
 * A module that names the entities it uses this way bundles only those; `db()` brings every one.
 */
export function entitiesOf<E extends Record<string, AnyEntity>>(given: E): () => E {
  let bound = false;
  return () => {
    if (!bound) Object.values(given).forEach(bindToTable);
    bound = true;
    return given;
  };
}

let allBound = false;

/** Every entity of the table, bound as entitiesOf binds them: for tests, seeds, tools and transactions. */
export function db(): Entities {
  if (!allBound) Object.values(entities).forEach(bindToTable);
  allBound = true;
  return entities;
}

type WriteOver = Service<Entities>['transaction']['write'];

/** The entities and write transactions over them (`transaction.write`), as an ElectroDB Service offered them. */
export function dbService(): { entities: Entities; transaction: { write: WriteOver } } {
  const write = ((fn: Parameters<WriteOver>[0]) => createWriteTransaction(db(), fn)) as WriteOver;
  return { entities: db(), transaction: { write } };
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

/** Consecutive groups whose weights add up to at most `max` each (an item heavier than `max` goes alone). */
export function chunkByWeight<T>(items: readonly T[], weight: (item: T) => number, max: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && total + w > max) {
      chunks.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += w;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
