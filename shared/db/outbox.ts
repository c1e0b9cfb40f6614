import { outboxRecord, outboxWrite } from './outbox-record';
export { outboxRecord, outboxWrite };
import { startBackupWorkflows } from '../backup/start-workflow';
import { dispatchOutboxWith, dispatchSoonWith, outboxEntities, type DispatchResult } from './outbox-delivery';
export type { DispatchResult } from './outbox-delivery';
export type { OutboxItem } from './entities/outbox';
import { outboxShardCount } from './entities/outbox';

/** Records pending this long were missed by the stream (or their dispatch failed): the sweeper sends them. */
export const sweepAfterMs = 2 * 60 * 1000;

/**
 * Delivers each pending record (publishes it to EventBridge, or starts its backup workflow), then
 * marks it dispatched (outbox-delivery.ts). At least once: a crash between the two delivers it
 * again, and every consumer is idempotent. Records already dispatched are skipped, so a
 * redelivered stream record delivers nothing.
 */
export function dispatchOutbox(outboxIds: readonly string[], now = new Date()): Promise<DispatchResult> {
  return dispatchOutboxWith(outboxIds, now, startBackupWorkflows);
}

/** The ids of records pending since before `olderThan`, across every shard of the `pending` index. */
export async function loadStalePending(olderThan: Date): Promise<string[]> {
  const shards = Array.from({ length: outboxShardCount }, (_, n) => `outbox-pending-${n}`);
  const pages = await Promise.all(
    shards.map((pendingShard) =>
      outboxEntities().Outbox.query.pending({ pendingShard }).lte({ pendingSince: olderThan.toISOString() }).go({ pages: 'all', attributes: ['outboxId'] }),
    ),
  );
  return pages.flatMap(({ data }) => data.map((record) => record.outboxId));
}

/** outbox-delivery.ts's dispatchSoon, starting the backup requests among the records too. */
export function dispatchSoon(outboxIds: readonly string[]): Promise<void> {
  return dispatchSoonWith(outboxIds, startBackupWorkflows);
}
