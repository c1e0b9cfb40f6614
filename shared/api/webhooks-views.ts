/** The API's views of stored webhook endpoints and deliveries (what the handlers answer; their schemas are in webhooks.docs.ts, which no handler bundles). */
import type { WebhookDeliveryItem, WebhookEndpointItem } from '../db/entities/webhook';
import type { WebhookDeliveryResponse, WebhookEndpointResponse } from './webhooks.docs';

const iso = (epochMs: number | undefined) => (epochMs === undefined ? null : new Date(epochMs).toISOString());

export function toWebhookEndpointResponse(endpoint: WebhookEndpointItem, now: number): WebhookEndpointResponse {
  const overlap = endpoint.previousSecretUntil && Date.parse(endpoint.previousSecretUntil) > now ? endpoint.previousSecretUntil : null;
  return {
    endpointId: endpoint.endpointId,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    description: endpoint.description ?? null,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason ?? null,
    failingSince: iso(endpoint.failingSince),
    previousSecretValidUntil: overlap,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export function toWebhookDeliveryResponse(delivery: WebhookDeliveryItem): WebhookDeliveryResponse {
  return {
    deliveryId: delivery.deliveryId,
    endpointId: delivery.endpointId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseStatus: delivery.lastResponseStatus ?? null,
    lastError: delivery.lastError ?? null,
    lastDurationMs: delivery.lastDurationMs ?? null,
    firstAttemptAt: iso(delivery.firstAttemptAt),
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === 'pending' && delivery.dueAt ? iso(Number(delivery.dueAt)) : null,
    deliveredAt: delivery.deliveredAt ?? null,
    replayOf: delivery.replayOf ?? null,
    payload: delivery.payload,
    createdAt: delivery.createdAt,
  };
}
