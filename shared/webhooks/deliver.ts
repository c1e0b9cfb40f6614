import { randomUUID } from 'node:crypto';
import { batchGetAll, entitiesOf } from '../db/service';
import { WebhookDelivery, WebhookEndpoint } from '../db/entities/webhook';
import {
  claimDelivery,
  companyAdmins,
  disableFailingEndpoint,
  holdEndpoint,
  releaseEndpoint,
  markEndpointFailing,
  markEndpointHealthy,
  recordAttempt,
  type AttemptResult,
  type WebhookDeliveryItem,
  type WebhookEndpointItem,
} from '../db/webhooks';
import { endpointFailedTooLong, isDeliveredStatus, nextAttemptAt, signingSecrets } from '../domain/webhooks';
import { renderLetter } from '../email/letter';
import { config } from '../config';
import { logger } from '../logger';
import { postWebhook } from './post';
import { webhookSignature } from './signature';

const deliveryEntities = /* @__PURE__ */ entitiesOf({ WebhookDelivery, WebhookEndpoint });

export type AttemptSummary = {
  succeeded: string[];
  retrying: string[];
  failed: string[];
  /** Not attempted now: finished already, being attempted elsewhere, or not due yet. */
  skipped: string[];
};

/**
 * Attempts each delivery that is due and not held by another attempt: claims it, signs it with the
 * endpoint's current secret(s), POSTs it, and records the outcome — retry later with backoff,
 * succeeded, or failed after 24 hours. A delivery that succeeded is never sent again.
 */
export async function attemptDeliveries(deliveryIds: readonly string[], now = () => Date.now()): Promise<AttemptSummary> {
  const summary: AttemptSummary = { succeeded: [], retrying: [], failed: [], skipped: [] };
  if (deliveryIds.length === 0) return summary;
  const deliveries = await batchGetAll(
    [...new Set(deliveryIds)].map((deliveryId) => ({ deliveryId })),
    (keys) => deliveryEntities().WebhookDelivery.get(keys).go({ consistent: true }),
  );
  const endpoints = new Map<string, Promise<WebhookEndpointItem | null>>();
  const endpointOf = (endpointId: string) => {
    if (!endpoints.has(endpointId)) endpoints.set(endpointId, deliveryEntities().WebhookEndpoint.get({ endpointId }).go({ consistent: true }).then(({ data }) => data));
    return endpoints.get(endpointId)!;
  };
  // Deliveries to one endpoint go one after another (in the order their events happened); endpoints in parallel.
  const byEndpoint = new Map<string, WebhookDeliveryItem[]>();
  for (const delivery of deliveries.sort((a, b) => eventOrder(a).localeCompare(eventOrder(b)))) {
    byEndpoint.set(delivery.endpointId, [...(byEndpoint.get(delivery.endpointId) ?? []), delivery]);
  }
  await Promise.all(
    [...byEndpoint].map(async ([endpointId, group]) => {
      const outcomes = await attemptInOrder(group, await endpointOf(endpointId), now);
      group.forEach((delivery, index) => summary[outcomes[index] ?? 'skipped'].push(delivery.deliveryId));
    }),
  );
  return summary;
}

/** Sorts deliveries by when their events happened (the payload's `timestamp`; one fan-out creates many deliveries at one instant). */
const eventOrder = (delivery: WebhookDeliveryItem) => {
  const { timestamp } = JSON.parse(delivery.payload) as { timestamp?: string };
  return `${timestamp ?? delivery.createdAt} ${delivery.createdAt} ${delivery.deliveryId}`;
};

/**
 * One endpoint's deliveries, serially in event order, while this sender holds the endpoint
 * (another invocation — the retry schedule, the delivery function — never POSTs to it at the same
 * time; what this one cannot hold stays due for the next run). The first failed POST ends the run
 * for the endpoint: the later deliveries wait rather than overtake it at a receiver that is down.
 * Answers one outcome per delivery attempted; those left out are skipped.
 */
async function attemptInOrder(group: WebhookDeliveryItem[], endpoint: WebhookEndpointItem | null, now: () => number): Promise<Array<keyof AttemptSummary>> {
  const outcomes: Array<keyof AttemptSummary> = [];
  // A deleted or disabled endpoint is POSTed nothing: its deliveries fail without a hold.
  if (!endpoint?.enabled) {
    for (const delivery of group) outcomes.push(await attemptOne(delivery, endpoint, now()));
    return outcomes;
  }
  const holder = randomUUID();
  try {
    for (const delivery of group) {
      // Taken before the first POST, renewed before each next one: a hold outlasts one attempt.
      if (!(await holdEndpoint(endpoint.endpointId, holder, now()))) break;
      const outcome = await attemptOne(delivery, endpoint, now());
      outcomes.push(outcome);
      if (outcome === 'retrying' || outcome === 'failed') break;
    }
  } finally {
    await releaseEndpoint(endpoint.endpointId, holder);
  }
  return outcomes;
}

async function attemptOne(delivery: WebhookDeliveryItem, endpoint: WebhookEndpointItem | null, now: number): Promise<keyof AttemptSummary> {
  const claimed = await claimDelivery(delivery, now);
  if (!claimed) return 'skipped';
  if (!endpoint || !endpoint.enabled) {
    const error = endpoint ? 'the endpoint is disabled' : 'the endpoint was deleted';
    await recordAttempt(claimed, { outcome: 'failed', durationMs: 0, error }, now);
    return 'failed';
  }
  const timestamp = Math.floor(now / 1000);
  const headers = {
    'webhook-id': claimed.deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(signingSecrets(endpoint, now), claimed.deliveryId, timestamp, claimed.payload),
  };
  const posted = await postWebhook(endpoint.url, headers, claimed.payload, { publicOnly: !config.webhookAllowLoopback });
  const finishedAt = now + posted.durationMs;
  if (posted.kind === 'response' && isDeliveredStatus(posted.status)) {
    await recordAttempt(claimed, { outcome: 'succeeded', status: posted.status, durationMs: posted.durationMs }, finishedAt);
    await markEndpointHealthy(endpoint);
    logger.info('webhook delivered', { deliveryId: claimed.deliveryId, endpointId: endpoint.endpointId, attempts: claimed.attempts, status: posted.status });
    return 'succeeded';
  }
  const error = posted.kind === 'response' ? `HTTP ${posted.status}${posted.body ? `: ${posted.body.slice(0, 200)}` : ''}` : posted.error;
  const status = posted.kind === 'response' ? posted.status : undefined;
  const nextAt = nextAttemptAt(claimed.attempts, claimed.firstAttemptAt!, now);
  const result: AttemptResult =
    nextAt === undefined ? { outcome: 'failed', status, durationMs: posted.durationMs, error } : { outcome: 'retry', nextAt, status, durationMs: posted.durationMs, error };
  await recordAttempt(claimed, result, finishedAt);
  await endpointFailed(endpoint, now);
  logger.warn('webhook delivery failed', { deliveryId: claimed.deliveryId, endpointId: endpoint.endpointId, attempts: claimed.attempts, error, nextAt });
  return result.outcome === 'retry' ? 'retrying' : 'failed';
}

/** Notes the failure on the endpoint; one failing for a day is disabled and its company's admins emailed. */
async function endpointFailed(endpoint: WebhookEndpointItem, now: number): Promise<void> {
  await markEndpointFailing(endpoint, now);
  if (!endpointFailedTooLong(endpoint.failingSince, now)) return;
  const reason = `Every delivery since ${new Date(endpoint.failingSince!).toISOString()} failed; disabled after 24 hours of failures.`;
  const admins = await companyAdmins(endpoint.companyId);
  const emails = admins.map((admin) => {
    const letter = renderLetter({
      recipientName: admin.name,
      intro: `A webhook endpoint of your company was disabled: ${reason} Fix the receiver, then enable it again and replay the failed deliveries.`,
      fields: [
        ['Endpoint', endpoint.url],
        ['Description', endpoint.description ?? '—'],
      ],
      action: 'Open webhook settings',
      link: `${config.frontendBaseUrl}/settings/webhooks/${endpoint.endpointId}`,
    });
    return { emailId: `webhook-disabled:${endpoint.endpointId}:${endpoint.version}:${admin.userId}`, to: [admin.email], subject: 'A webhook endpoint was disabled', ...letter };
  });
  const disabled = await disableFailingEndpoint(endpoint, reason, emails.slice(0, 90), new Date(now));
  // The emails are outbox records of the same write: the table stream (or the sweeper) sends them.
  if (disabled) logger.warn('webhook endpoint disabled after a day of failures', { endpointId: endpoint.endpointId });
}
