import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { webhookEventTypes } from '../domain/webhooks';
import { detailSchemas, domainEvents, type DomainEventType } from '../../events/contracts';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { pageQuery } from '../http/cursor';
import type { WebhookDeliveryItem, WebhookEndpointItem } from '../db/entities/webhook';

const base = '/v1/webhook-endpoints';
const id = z.string().check(z.minLength(1), z.maxLength(100));

export const webhookEndpointPath = z.object({ endpointId: id });
export const webhookDeliveryPath = z.extend(webhookEndpointPath, { deliveryId: id });

const eventTypes = z.withMeta(
  z.array(z.enum(webhookEventTypes)).check(
    z.minLength(1),
    z.maxLength(webhookEventTypes.length),
    z.refine((types) => new Set(types).size === types.length, 'each event type once'),
  ),
  { description: 'The domain events POSTed to this endpoint (DOMAIN.md, “Events for integrations”)' },
);

const url = z.withMeta(z.string().check(z.maxLength(2000)), {
  description: 'Where deliveries are POSTed: https (locally also http to loopback); in AWS it must resolve to public addresses only',
  example: 'https://erp.example.com/hooks/progress-claims',
});

export const createWebhookEndpointBody = z.withMeta(
  z.strictObject({
    url,
    eventTypes,
    description: z.optional(z.string().check(z.trim(), z.maxLength(500))),
    enabled: z._default(z.boolean(), true),
  }),
  { id: 'CreateWebhookEndpoint' },
);

export const updateWebhookEndpointBody = z.withMeta(
  z
    .strictObject({
      url: z.optional(url),
      eventTypes: z.optional(eventTypes),
      description: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(500)))),
      enabled: z.withMeta(z.optional(z.boolean()), { description: 'true re-enables an endpoint the product disabled after a day of failures' }),
    })
    .check(z.refine((body) => Object.keys(body).length > 0, 'change at least one field')),
  { id: 'UpdateWebhookEndpoint' },
);

export const webhookEndpointResponse = z.withMeta(
  z.object({
    endpointId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.nullable(z.string()),
    enabled: z.boolean(),
    disabledReason: z.withMeta(z.nullable(z.string()), { description: 'Why the product disabled it (a day of failed deliveries)' }),
    failingSince: z.withMeta(z.nullable(z.iso.datetime()), { description: 'First failed attempt since the last success; null while deliveries succeed' }),
    previousSecretValidUntil: z.withMeta(z.nullable(z.iso.datetime()), {
      description: 'After a rotation: until when the previous secret still signs deliveries too',
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
  { id: 'WebhookEndpoint' },
);

export const webhookEndpointWithSecret = z.withMeta(
  z.extend(webhookEndpointResponse, {
    secret: z.withMeta(z.string(), {
      description: 'The signing secret (Standard Webhooks, `whsec_…`): shown only in this answer; verify `webhook-signature` with it',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  }),
  { id: 'WebhookEndpointWithSecret' },
);

export const webhookEndpointList = z.withMeta(z.object({ items: z.array(webhookEndpointResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'WebhookEndpointList',
});

export const webhookDeliveryResponse = z.withMeta(
  z.object({
    deliveryId: z.withMeta(z.string(), { description: 'Sent as `webhook-id`: the same for every attempt of this delivery' }),
    endpointId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'sending', 'succeeded', 'failed']),
    attempts: z.number().check(z.int()),
    lastResponseStatus: z.withMeta(z.nullable(z.number().check(z.int())), { description: 'HTTP status of the last attempt; null when none answered' }),
    lastError: z.nullable(z.string()),
    lastDurationMs: z.nullable(z.number().check(z.int())),
    firstAttemptAt: z.nullable(z.iso.datetime()),
    lastAttemptAt: z.nullable(z.iso.datetime()),
    nextAttemptAt: z.withMeta(z.nullable(z.iso.datetime()), { description: 'When a pending delivery is tried again' }),
    deliveredAt: z.nullable(z.iso.datetime()),
    replayOf: z.withMeta(z.nullable(z.string()), { description: 'The delivery this one replays' }),
    payload: z.withMeta(z.string(), { description: 'The JSON body POSTed' }),
    createdAt: z.iso.datetime(),
  }),
  { id: 'WebhookDelivery' },
);

export const webhookDeliveryList = z.withMeta(z.object({ items: z.array(webhookDeliveryResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'WebhookDeliveryList',
});

export const listQuery = z.object(pageQuery);

const iso = (epochMs: number | undefined) => (epochMs === undefined ? null : new Date(epochMs).toISOString());

export function toWebhookEndpointResponse(endpoint: WebhookEndpointItem, now: number): z.infer<typeof webhookEndpointResponse> {
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

export function toWebhookDeliveryResponse(delivery: WebhookDeliveryItem): z.infer<typeof webhookDeliveryResponse> {
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

const common = { function: 'webhookEndpoints', auth: 'jwt', action: null } as const;

export const webhookRoutes = [
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'createWebhookEndpoint',
    method: 'POST',
    path: base,
    summary: 'Register a webhook endpoint of the caller’s company (company admins); the answer carries its secret, once',
    request: { body: createWebhookEndpointBody },
    response: { status: 201, description: 'The endpoint with its signing secret (Location: its URL; ETag)', schema: webhookEndpointWithSecret },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'listWebhookEndpoints',
    method: 'GET',
    path: base,
    summary: 'The webhook endpoints of the caller’s company (company admins)',
    request: { query: listQuery },
    response: { status: 200, description: 'A page of endpoints, oldest first', schema: webhookEndpointList },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'getWebhookEndpoint',
    method: 'GET',
    path: `${base}/{endpointId}`,
    summary: 'A webhook endpoint (its secret is never shown again)',
    request: { path: webhookEndpointPath },
    response: { status: 200, description: 'The endpoint (ETag)', schema: webhookEndpointResponse },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: `${base}/{endpointId}`,
    summary: 'Change an endpoint’s URL, event types, description, or enable/disable it (If-Match)',
    request: { path: webhookEndpointPath, body: updateWebhookEndpointBody },
    response: { status: 200, description: 'The endpoint (ETag)', schema: webhookEndpointResponse },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: `${base}/{endpointId}`,
    summary: 'Delete an endpoint (If-Match); its pending deliveries fail',
    request: { path: webhookEndpointPath },
    response: { status: 204, description: 'Deleted' },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: `${base}/{endpointId}/rotate-secret`,
    summary: 'A new signing secret; the previous one keeps signing (a second `v1,` signature) for 24 hours',
    request: { path: webhookEndpointPath },
    response: { status: 200, description: 'The endpoint with its new secret, shown once (ETag)', schema: webhookEndpointWithSecret },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: `${base}/{endpointId}/deliveries`,
    summary: 'The delivery log of an endpoint, newest first: status, attempts, response code, timings',
    request: { path: webhookEndpointPath, query: listQuery },
    response: { status: 200, description: 'A page of deliveries', schema: webhookDeliveryList },
  },
  {
    ...common,
    tags: ['webhooks'],
    operationId: 'replayWebhookDelivery',
    method: 'POST',
    path: `${base}/{endpointId}/deliveries/{deliveryId}/replay`,
    summary: 'Send a delivery’s event again, as a new delivery (its own `webhook-id`, `replayOf` naming the original)',
    request: { path: webhookDeliveryPath },
    response: { status: 202, description: 'The new delivery, queued', schema: webhookDeliveryResponse },
  },
] as const satisfies readonly RouteDefinition[];

// ---------------------------------------------------------------------------------------------
// What a receiver gets: the OpenAPI document's `webhooks` section, one POST per domain event type

const pascal = (type: string) => type.split(/[.-]/).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');

/** The JSON body POSTed for one event type (Standard Webhooks' shape): `{ type, timestamp, data }`. */
export const webhookPayloadSchema = (type: DomainEventType) =>
  z.withMeta(
    z.object({
      type: z.literal(type),
      timestamp: z.withMeta(z.iso.datetime(), { description: 'When the event was written (with the change that caused it)' }),
      data: detailSchemas[type],
    }),
    { id: `${pascal(type)}Webhook`, description: domainEvents[type] },
  );

const signatureHeaders = z.object({
  'webhook-id': z.withMeta(z.string(), {
    description: 'The delivery’s id: the same for every attempt of one delivery (deduplicate on it); a replay has its own',
    example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  }),
  'webhook-timestamp': z.withMeta(z.string(), { description: 'Unix seconds when this attempt was signed', example: '1796083200' }),
  'webhook-signature': z.withMeta(z.string(), {
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per valid secret (two during a rotation’s overlap); verify with the `standardwebhooks` package',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  }),
});

/**
 * The `webhooks` of the OpenAPI document: for each domain event type, the POST an endpoint
 * subscribed to it receives, its headers and its body. Answer any 2xx within 10 s; anything else
 * is retried with backoff for 24 hours.
 */
export function webhookDocs(): ZodOpenApiPathsObject {
  return Object.fromEntries(
    webhookEventTypes.map((type) => [
      type,
      {
        post: {
          operationId: `on${pascal(type)}`,
          summary: domainEvents[type],
          tags: ['webhooks'],
          security: [],
          requestParams: { header: signatureHeaders },
          requestBody: { required: true, content: { 'application/json': { schema: webhookPayloadSchema(type) } } },
          responses: {
            '200': { description: 'Received (any 2xx): the delivery succeeded and is not sent again' },
            '400': { description: 'Anything but a 2xx (or no answer within 10 s): retried with backoff for 24 hours, then failed' },
          },
        },
      },
    ]),
  );
}
