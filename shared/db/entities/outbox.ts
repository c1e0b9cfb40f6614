import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys, ttlAttribute } from '../keys';

/**
 * Pending records are spread over this many partitions of the `pending` index, so a burst of
 * writes does not make one hot partition; the sweeper queries each.
 */
export const outboxShardCount = 8;

/**
 * An effect that must not be lost (an event to publish, a backup workflow to start), written in
 * the same transaction as the state change that causes it. The dispatcher (fed by the table's
 * stream, and the sweeper for anything it missed) delivers it and then removes it from the
 * sparse `pending` index.
 */
export const Outbox = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'outbox', version: '1', service: 'claims' },
  attributes: {
    outboxId: { type: 'string', required: true, readOnly: true },
    /** The EventBridge detail-type; `detail` is its JSON, checked against the contract when written. */
    detailType: { type: 'string', required: true, readOnly: true },
    detail: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    /** `outbox-pending-<n>` while not yet dispatched; removed once dispatched (sparse index). */
    pendingShard: { type: 'string' },
    /** When it became pending (ISO); the sweeper picks up records pending for too long. */
    pendingSince: { type: 'string' },
    dispatchedAt: { type: 'string' },
    /** Epoch seconds: dispatched records expire a week later. */
    [ttlAttribute]: { type: 'number' },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['outboxId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    pending: {
      index: 'gsi2',
      condition: (attributes) => attributes.pendingShard !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: ['pendingShard'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['pendingSince'] },
    },
  },
}))();

export type OutboxItem = EntityItem<typeof Outbox>;
