import { createHash, randomUUID } from 'node:crypto';
import { outboxShardCount, type OutboxItem } from './entities/outbox';
export type { OutboxItem } from './entities/outbox';
import type { dbService } from './service';
import type { EventContract } from '../../events/contracts';
import type * as z from '../zod';

/**
 * Writing outbox records: what a state change's transaction adds (dispatching them is outbox.ts's).
 * Apart so that stores the dispatcher itself reads (backups) can write records without an import cycle.
 */

/** The Outbox entity as a `transaction.write` callback receives it. */
type TransactionEntities = Parameters<Parameters<ReturnType<typeof dbService>['transaction']['write']>[0]>[0];

const shardOf = (outboxId: string) => `outbox-pending-${createHash('sha1').update(outboxId).digest()[0]! % outboxShardCount}`;

/** A new outbox record for one event; the detail is checked against its contract now, not at dispatch. */
export function outboxRecord<C extends EventContract>(contract: C, detail: z.infer<C['schema']>, now: Date): OutboxItem {
  const outboxId = randomUUID();
  const createdAt = now.toISOString();
  return {
    outboxId,
    detailType: contract.detailType,
    detail: JSON.stringify(contract.schema.parse(detail)),
    createdAt,
    pendingShard: shardOf(outboxId),
    pendingSince: createdAt,
  };
}

/** The transaction item that writes `record`: add it to the transaction that makes the state change. */
export function outboxWrite({ Outbox }: Pick<TransactionEntities, 'Outbox'>, record: OutboxItem) {
  return Outbox.create(record).commit();
}
