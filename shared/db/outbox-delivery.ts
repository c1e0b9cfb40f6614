/**
 * Delivering outbox records: published to EventBridge (a domain event fanned out to webhooks
 * first), or a backup request's workflow started by the starter given. Apart from outbox.ts so
 * that request handlers, which write no backup requests, dispatch without bundling the backup
 * starter (and the Step Functions client it loads): dispatchSoon below. The outbox dispatcher and
 * the sweeper dispatch through outbox.ts, with it.
 */
import { batchGetAll, entitiesOf } from './service';
import { putCheckedEvents, putEvents, type PutOutcome } from '../aws/events';
import { isConditionalFailure } from './conditions';
import { logger } from '../logger';
import { fanOutWebhooks } from './webhook-fan-out';
import { isWebhookEventType } from '../domain/webhooks';
import { detailTypes, webhookDeliveriesDueEvent, type Detail, type DetailType } from '../../events/contracts';
import { Outbox, type OutboxItem } from './entities/outbox';

export const outboxEntities = /* @__PURE__ */ entitiesOf({ Outbox });

/** Dispatched records are kept a week, for tracing, then expire. */
const keepDispatchedSeconds = 7 * 24 * 60 * 60;

/** Starts the workflows of backup requests: one outcome per request, in order. */
export type BackupStarter = (requests: Array<Detail<'backup.requested'>>) => Promise<PutOutcome[]>;

export interface DispatchResult {
  dispatched: string[];
  /** Already dispatched by another delivery (stream redelivery, or the sweeper got there first). */
  skipped: string[];
  failed: Array<{ outboxId: string; reason: string }>;
}

/**
 * Delivers each pending record (publishes it to EventBridge, or starts its backup workflow), then
 * marks it dispatched. At least once: a crash between the two delivers it again, and every
 * consumer is idempotent. Records already dispatched (read consistently) are skipped, so a
 * redelivered stream record delivers nothing.
 */
export async function dispatchOutboxWith(
  outboxIds: readonly string[],
  now: Date,
  startBackups: BackupStarter | undefined,
): Promise<DispatchResult> {
  const result: DispatchResult = { dispatched: [], skipped: [], failed: [] };
  if (outboxIds.length === 0) return result;
  const records = await batchGetAll(
    outboxIds.map((outboxId) => ({ outboxId })),
    (keys) => outboxEntities().Outbox.get(keys).go({ consistent: true }),
  );
  const pending = records.filter((record) => record.pendingShard !== undefined);
  const found = new Set(records.map((record) => record.outboxId));
  for (const outboxId of outboxIds) {
    if (!found.has(outboxId)) result.failed.push({ outboxId, reason: 'no such outbox record' });
    else if (!pending.some((record) => record.outboxId === outboxId)) result.skipped.push(outboxId);
  }

  const byType = new Map<DetailType, OutboxItem[]>();
  for (const record of pending) {
    const type = record.detailType as DetailType;
    if (!(detailTypes as readonly string[]).includes(type)) {
      result.failed.push({ outboxId: record.outboxId, reason: `unknown detail-type ${record.detailType}` });
      continue;
    }
    byType.set(type, [...(byType.get(type) ?? []), record]);
  }
  for (const [detailType, group] of byType) {
    const outcomes = await deliver(detailType, group, now, startBackups);
    await Promise.all(
      group.map(async (record, index) => {
        const outcome = outcomes[index]!;
        if (!outcome.accepted) return result.failed.push({ outboxId: record.outboxId, reason: outcome.reason });
        await markDispatched(record, now);
        result.dispatched.push(record.outboxId);
      }),
    );
  }
  if (result.failed.length > 0) logger.warn('outbox records not dispatched', { failed: result.failed });
  return result;
}

/**
 * How records go out: published to EventBridge, except a backup request, whose workflow is started
 * directly (by its job's id, idempotent). A domain event also fans out to the company's webhook
 * endpoints first (idempotent deliveries), so it is marked dispatched only once both happened.
 */
async function deliver(detailType: DetailType, records: OutboxItem[], now: Date, startBackups: BackupStarter | undefined): Promise<PutOutcome[]> {
  if (detailType === 'backup.requested') {
    // Left pending for the outbox dispatcher (the table's stream), which starts workflows.
    if (!startBackups) return records.map((): PutOutcome => ({ accepted: false, reason: 'backup requests are started by the outbox dispatcher' }));
    return startBackups(records.map((record) => JSON.parse(record.detail) as Detail<'backup.requested'>));
  }
  // Each detail was checked against its contract when its record was written (outboxRecord).
  const details = records.map((record) => record.detail);
  if (!isWebhookEventType(detailType)) return putCheckedEvents(detailType, details);
  const fannedOut = await fanOutWebhooks(records, now);
  const published = webhooksOnly.has(detailType) ? records.map((): PutOutcome => ({ accepted: true })) : await putCheckedEvents(detailType, details);
  const deliveryIds = fannedOut.flatMap((outcome) => (outcome.accepted ? outcome.deliveryIds : []));
  if (deliveryIds.length > 0) await requestDeliveries(deliveryIds);
  return published.map((outcome, index) => {
    const fanOut = fannedOut[index]!;
    return fanOut.accepted ? outcome : fanOut;
  });
}

/**
 * Domain events whose bus event has its own publisher: `billing-period.opened` is put on the bus
 * by the period's opened-event flag (which the billing cycle relies on), so its outbox record only
 * feeds webhooks; publishing it as well would run the automatic invites twice.
 */
const webhooksOnly = new Set<DetailType>(['billing-period.opened']);

/** Asks the webhook delivery function to attempt new deliveries now; if this fails, the retry job finds them due within a minute. */
async function requestDeliveries(deliveryIds: string[]): Promise<void> {
  const batches = Array.from({ length: Math.ceil(deliveryIds.length / 500) }, (_, n) => deliveryIds.slice(n * 500, n * 500 + 500));
  const outcomes = await putEvents(webhookDeliveriesDueEvent, batches.map((ids) => ({ deliveryIds: ids })));
  const refused = outcomes.filter((outcome) => !outcome.accepted);
  if (refused.length > 0) logger.warn('webhook deliveries not requested; the retry job attempts them', { refused });
}

async function markDispatched(record: OutboxItem, now: Date): Promise<void> {
  try {
    await outboxEntities()
      .Outbox.patch({ outboxId: record.outboxId })
      .set({ dispatchedAt: now.toISOString(), expiration: Math.floor(now.getTime() / 1000) + keepDispatchedSeconds })
      .remove(['pendingShard', 'pendingSince'])
      .where((attr, op) => op.exists(attr.pendingShard))
      .go();
  } catch (error) {
    // Another delivery marked it first: it was published (at least) once either way.
    if (!isConditionalFailure(error)) throw error;
  }
}

/**
 * Delivers records just committed, from the request that wrote them (so effects do not wait for
 * the stream), starting backup requests with `startBackups` (without one, a backup request is left
 * to the stream). Never throws: what fails here is still pending, and the stream or sweeper sends it.
 */
export async function dispatchSoonWith(outboxIds: readonly string[], startBackups: BackupStarter | undefined): Promise<void> {
  try {
    await dispatchOutboxWith(outboxIds, new Date(), startBackups);
  } catch (error) {
    logger.warn('outbox dispatch after commit failed; the stream or sweeper will retry', { error: error as Error, count: outboxIds.length });
  }
}

/**
 * dispatchSoonWith for requests that write no backup request: request-backup dispatches through
 * outbox.ts's dispatchSoon, which starts it.
 */
export function dispatchSoon(outboxIds: readonly string[]): Promise<void> {
  return dispatchSoonWith(outboxIds, undefined);
}
