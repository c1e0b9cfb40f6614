import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys, ttlAttribute } from '../keys';

/** Pending deliveries are spread over this many partitions of the `due` index; the retry job queries each. */
export const webhookDueShardCount = 4;

/**
 * A company's webhook endpoint: where its subscribed domain events are POSTed, signed with its
 * secret (and, for a day after a rotation, the previous one too).
 */
export const WebhookEndpoint = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'webhookEndpoint', version: '1', service: 'claims' },
  attributes: {
    endpointId: { type: 'string', required: true, readOnly: true },
    companyId: { type: 'string', required: true, readOnly: true },
    url: { type: 'string', required: true },
    eventTypes: { type: 'list', items: { type: 'string' }, required: true },
    description: { type: 'string' },
    enabled: { type: 'boolean', required: true },
    /** Why the endpoint was disabled by the product (a day of failed deliveries); absent when enabled or disabled by an admin. */
    disabledReason: { type: 'string' },
    /** `whsec_` + base64 of the HMAC key. */
    secret: { type: 'string', required: true },
    previousSecret: { type: 'string' },
    previousSecretUntil: { type: 'string' },
    /** Epoch ms of the first failed attempt since the last success; absent while deliveries succeed. */
    failingSince: { type: 'number' },
    /**
     * Who is POSTing to the endpoint now, and until when (epoch ms): one sender at a time, so a
     * receiver never gets two deliveries at once and gets them in order. A crashed sender's hold lapses.
     */
    sendingBy: { type: 'string' },
    sendingUntil: { type: 'number' },
    version: { type: 'number', required: true },
    createdBy: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['endpointId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    byCompany: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['companyId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['createdAt', 'endpointId'] },
    },
  },
}))();

export type WebhookEndpointItem = EntityItem<typeof WebhookEndpoint>;

/**
 * One event for one endpoint. Its id is the `webhook-id` header, derived from the outbox record
 * and the endpoint, so a redelivered outbox record creates no second delivery. A conditional
 * claim (status `sending` under a lease) makes at most one attempt run at a time, and a
 * `succeeded` delivery is never sent again.
 */
export const WebhookDelivery = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'webhookDelivery', version: '1', service: 'claims' },
  attributes: {
    deliveryId: { type: 'string', required: true, readOnly: true },
    endpointId: { type: 'string', required: true, readOnly: true },
    companyId: { type: 'string', required: true, readOnly: true },
    eventType: { type: 'string', required: true, readOnly: true },
    /** The JSON body POSTed, exactly as signed. */
    payload: { type: 'string', required: true, readOnly: true },
    /** The delivery this one replays, when an admin asked for it again. */
    replayOf: { type: 'string', readOnly: true },
    status: { type: ['pending', 'sending', 'succeeded', 'failed'] as const, required: true },
    attempts: { type: 'number', required: true },
    /** Epoch ms until which the running attempt owns the delivery; a crashed attempt's lease runs out. */
    leaseUntil: { type: 'number', required: true },
    /** `webhook-due-<n>` while pending or sending (sparse `due` index); removed once it succeeded or failed. */
    dueShard: { type: 'string' },
    /** Epoch ms (zero-padded for ordering) when the next attempt is due. */
    dueAt: { type: 'string' },
    firstAttemptAt: { type: 'number' },
    lastAttemptAt: { type: 'number' },
    lastResponseStatus: { type: 'number' },
    lastDurationMs: { type: 'number' },
    lastError: { type: 'string' },
    deliveredAt: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
    updatedAt: { type: 'string', required: true },
    /** Epoch seconds: finished deliveries expire after 30 days. */
    [ttlAttribute]: { type: 'number' },
  },
  indexes: {
    byId: {
      pk: { field: tableKeys.primary.pk, composite: ['deliveryId'] },
      sk: { field: tableKeys.primary.sk, composite: [] },
    },
    byEndpoint: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['endpointId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['createdAt', 'deliveryId'] },
    },
    due: {
      index: 'gsi2',
      condition: (attributes) => attributes.dueShard !== undefined,
      pk: { field: tableKeys.gsi2.pk, composite: ['dueShard'] },
      sk: { field: tableKeys.gsi2.sk, composite: ['dueAt'] },
    },
  },
}))();

export type WebhookDeliveryItem = EntityItem<typeof WebhookDelivery>;
