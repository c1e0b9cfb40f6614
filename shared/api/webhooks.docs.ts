/** The webhooks routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { webhookEventTypes } from '../domain/webhooks';
import { detailSchemas, domainEvents, type DomainEventType } from '../../events/contracts';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { webhookRoutes } from './webhooks';

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
export type WebhookEndpointResponse = z.infer<typeof webhookEndpointResponse>;

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
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliveryResponse>;

export const webhookDeliveryList = z.withMeta(z.object({ items: z.array(webhookDeliveryResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'WebhookDeliveryList',
});

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

export const webhookRouteDocs = {
  createWebhookEndpoint: {
    summary: 'Register a webhook endpoint of the caller’s company (company admins); the answer carries its secret, once',
    tags: ['webhooks'],
    response: { description: 'The endpoint with its signing secret (Location: its URL; ETag)', schema: webhookEndpointWithSecret },
  },
  listWebhookEndpoints: {
    summary: 'The webhook endpoints of the caller’s company (company admins)',
    tags: ['webhooks'],
    response: { description: 'A page of endpoints, oldest first', schema: webhookEndpointList },
  },
  getWebhookEndpoint: {
    summary: 'A webhook endpoint (its secret is never shown again)',
    tags: ['webhooks'],
    response: { description: 'The endpoint (ETag)', schema: webhookEndpointResponse },
  },
  updateWebhookEndpoint: {
    summary: 'Change an endpoint’s URL, event types, description, or enable/disable it (If-Match)',
    tags: ['webhooks'],
    response: { description: 'The endpoint (ETag)', schema: webhookEndpointResponse },
  },
  deleteWebhookEndpoint: {
    summary: 'Delete an endpoint (If-Match); its pending deliveries fail',
    tags: ['webhooks'],
    response: { description: 'Deleted' },
  },
  rotateWebhookSecret: {
    summary: 'A new signing secret; the previous one keeps signing (a second `v1,` signature) for 24 hours',
    tags: ['webhooks'],
    response: { description: 'The endpoint with its new secret, shown once (ETag)', schema: webhookEndpointWithSecret },
  },
  listWebhookDeliveries: {
    summary: 'The delivery log of an endpoint, newest first: status, attempts, response code, timings',
    tags: ['webhooks'],
    response: { description: 'A page of deliveries', schema: webhookDeliveryList },
  },
  replayWebhookDelivery: {
    summary: 'Send a delivery’s event again, as a new delivery (its own `webhook-id`, `replayOf` naming the original)',
    tags: ['webhooks'],
    response: { description: 'The new delivery, queued', schema: webhookDeliveryResponse },
  },
} satisfies Record<OperationIdOf<typeof webhookRoutes>, RouteDocs>;
