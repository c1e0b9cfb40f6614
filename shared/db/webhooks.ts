import { entitiesOf } from './service';
import { isConditionalFailure } from './conditions';
import { writeTransactionOver } from './transaction';
import { outboxRecord, outboxWrite } from './outbox-record';
import { dueKey, dueShardOf } from './webhook-fan-out';
export { companyEndpoints, deliveryIdFor, dueKey, fanOutWebhooks, newDelivery, webhookPayload } from './webhook-fan-out';
import { WebhookDelivery, WebhookEndpoint, webhookDueShardCount, type WebhookDeliveryItem, type WebhookEndpointItem } from './entities/webhook';
import { Outbox } from './entities/outbox';
import { User } from './entities/user';
import type { EmailRequested } from '../../events/contracts';
import { emailRequestedEvent } from '../../events/contracts';
export type { WebhookDeliveryItem, WebhookEndpointItem } from './entities/webhook';

const webhookEntities = /* @__PURE__ */ entitiesOf({ WebhookDelivery, WebhookEndpoint, Outbox, User });

/** How long one attempt owns a delivery: longer than a receiver's timeout, so two attempts never overlap. */
export const deliveryLeaseMs = 60_000;
/** Finished deliveries stay in the log this long. */
const keepFinishedSeconds = 30 * 24 * 60 * 60;

/** The ids of deliveries due by `now`, across every shard of the sparse `due` index (pending, or sending under a lease that may have run out). */
export async function loadDueDeliveries(now: number): Promise<string[]> {
  const shards = Array.from({ length: webhookDueShardCount }, (_, n) => `webhook-due-${n}`);
  const pages = await Promise.all(
    shards.map((dueShard) => webhookEntities().WebhookDelivery.query.due({ dueShard }).lte({ dueAt: dueKey(now) }).go({ pages: 'all', attributes: ['deliveryId'] })),
  );
  return pages.flatMap(({ data }) => data.map((d) => d.deliveryId));
}

/**
 * Takes the right to attempt `delivery` now: exactly one concurrent caller gets it back with its
 * attempt counted; the others (it succeeded, failed for good, is being attempted under a live
 * lease, or is not due yet) get undefined.
 */
export async function claimDelivery(delivery: WebhookDeliveryItem, now: number): Promise<WebhookDeliveryItem | undefined> {
  const claimable = delivery.status === 'pending' || (delivery.status === 'sending' && delivery.leaseUntil < now);
  if (!claimable || delivery.dueAt === undefined || delivery.dueAt > dueKey(now)) return undefined;
  const claimed = {
    status: 'sending' as const,
    attempts: delivery.attempts + 1,
    leaseUntil: now + deliveryLeaseMs,
    // Due again when the lease runs out: a crashed attempt is picked up by the retry job.
    dueShard: dueShardOf(delivery.deliveryId),
    dueAt: dueKey(now + deliveryLeaseMs),
    firstAttemptAt: delivery.firstAttemptAt ?? now,
    lastAttemptAt: now,
    updatedAt: new Date(now).toISOString(),
  };
  try {
    await webhookEntities()
      .WebhookDelivery.patch({ deliveryId: delivery.deliveryId })
      .set(claimed)
      .where((attr, op) => `${op.eq(attr.attempts, delivery.attempts)} AND (${op.eq(attr.status, 'pending')} OR (${op.eq(attr.status, 'sending')} AND ${op.lt(attr.leaseUntil, now)}))`)
      .go();
    return { ...delivery, ...claimed };
  } catch (error) {
    if (isConditionalFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Takes (or renews) the right to POST to an endpoint for the next `deliveryLeaseMs`: exactly one
 * sender holds it at a time, until it lets go or its hold lapses (a crashed sender). False when
 * another sender holds it, or the endpoint is gone.
 */
export async function holdEndpoint(endpointId: string, holder: string, now: number): Promise<boolean> {
  try {
    await webhookEntities()
      .WebhookEndpoint.patch({ endpointId })
      .set({ sendingBy: holder, sendingUntil: now + deliveryLeaseMs })
      .where((attr, op) => `${op.notExists(attr.sendingUntil)} OR ${op.lt(attr.sendingUntil, now)} OR ${op.eq(attr.sendingBy, holder)}`)
      .go();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/** Lets go of an endpoint held by `holder` (nothing when its hold lapsed and another sender took over). */
export async function releaseEndpoint(endpointId: string, holder: string): Promise<void> {
  await webhookEntities()
    .WebhookEndpoint.patch({ endpointId })
    .remove(['sendingBy', 'sendingUntil'])
    .where((attr, op) => op.eq(attr.sendingBy, holder))
    .go()
    .catch((error: unknown) => {
      if (!isConditionalFailure(error)) throw error;
    });
}

export type AttemptResult =
  | { outcome: 'succeeded'; status: number; durationMs: number }
  | { outcome: 'retry'; nextAt: number; status?: number; durationMs: number; error: string }
  | { outcome: 'failed'; status?: number; durationMs: number; error: string };

/**
 * Records a claimed attempt's result, only while the claim still holds (same attempt number,
 * still `sending`): a succeeded delivery leaves the `due` index for good; a failed one is due
 * again at its next retry, or failed.
 */
export async function recordAttempt(delivery: WebhookDeliveryItem, result: AttemptResult, now: number): Promise<void> {
  const common = {
    lastDurationMs: result.durationMs,
    updatedAt: new Date(now).toISOString(),
    leaseUntil: 0,
    ...(result.status !== undefined ? { lastResponseStatus: result.status } : {}),
  };
  const patch = () => webhookEntities().WebhookDelivery.patch({ deliveryId: delivery.deliveryId });
  try {
    if (result.outcome === 'retry') {
      await patch()
        .set({ ...common, status: 'pending', dueShard: dueShardOf(delivery.deliveryId), dueAt: dueKey(result.nextAt), lastError: result.error.slice(0, 1000) })
        .where((attr, op) => `${op.eq(attr.status, 'sending')} AND ${op.eq(attr.attempts, delivery.attempts)}`)
        .go();
    } else {
      const finished = {
        ...common,
        status: result.outcome,
        expiration: Math.floor(now / 1000) + keepFinishedSeconds,
        ...(result.outcome === 'succeeded' ? { deliveredAt: new Date(now).toISOString() } : { lastError: result.error.slice(0, 1000) }),
      };
      await patch()
        .set(finished)
        .remove(['dueShard', 'dueAt'])
        .where((attr, op) => `${op.eq(attr.status, 'sending')} AND ${op.eq(attr.attempts, delivery.attempts)}`)
        .go();
    }
  } catch (error) {
    // The lease ran out and another attempt took over: its record is the one that counts.
    if (!isConditionalFailure(error)) throw error;
  }
}

/** An endpoint's delivery succeeded: it is no longer failing. */
export async function markEndpointHealthy(endpoint: WebhookEndpointItem): Promise<void> {
  if (endpoint.failingSince === undefined) return;
  await webhookEntities().WebhookEndpoint.patch({ endpointId: endpoint.endpointId }).remove(['failingSince']).go().catch((error: unknown) => {
    if (!isConditionalFailure(error)) throw error;
  });
}

/** An endpoint's delivery failed: it is failing since now, unless it already was. */
export async function markEndpointFailing(endpoint: WebhookEndpointItem, now: number): Promise<void> {
  if (endpoint.failingSince !== undefined) return;
  await webhookEntities()
    .WebhookEndpoint.patch({ endpointId: endpoint.endpointId })
    .set({ failingSince: now })
    .where((attr, op) => op.notExists(attr.failingSince))
    .go()
    .catch((error: unknown) => {
      if (!isConditionalFailure(error)) throw error;
    });
}

/**
 * Disables an endpoint that has failed for too long, with the emails to its company's admins as
 * outbox records of the same transaction; answers whether this call disabled it (only one does).
 */
export async function disableFailingEndpoint(endpoint: WebhookEndpointItem, reason: string, emails: EmailRequested[], now: Date): Promise<boolean> {
  const records = emails.map((email) => outboxRecord(emailRequestedEvent, email, now));
  const result = await writeTransactionOver(webhookEntities, (entities) => ({
    endpoint: entities.WebhookEndpoint.patch({ endpointId: endpoint.endpointId })
      .set({ enabled: false, disabledReason: reason, version: endpoint.version + 1, updatedAt: now.toISOString() })
      .where((attr, op) => `${op.eq(attr.enabled, true)} AND ${op.eq(attr.version, endpoint.version)}`)
      .commit(),
    ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
  }));
  return !result.canceled;
}

/** The administrators of a company (whom a disabled endpoint is reported to). */
export async function companyAdmins(companyId: string) {
  const { data } = await webhookEntities().User.query.byCompany({ companyId }).go({ pages: 'all' });
  return data.filter((user) => user.companyRole === 'admin');
}
