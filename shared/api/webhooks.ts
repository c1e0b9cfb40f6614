import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { webhookEventTypes } from '../domain/webhooks';
import { pageQuery } from '../http/cursor';

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

export const listQuery = z.object(pageQuery);

const common = { function: 'webhookEndpoints', auth: 'jwt', action: null } as const;

export const webhookRoutes = [
  {
    ...common,
    operationId: 'createWebhookEndpoint',
    method: 'POST',
    path: base,
    request: { body: createWebhookEndpointBody },
    response: { status: 201 },
  },
  {
    ...common,
    operationId: 'listWebhookEndpoints',
    method: 'GET',
    path: base,
    request: { query: listQuery },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'getWebhookEndpoint',
    method: 'GET',
    path: `${base}/{endpointId}`,
    request: { path: webhookEndpointPath },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: `${base}/{endpointId}`,
    request: { path: webhookEndpointPath, body: updateWebhookEndpointBody },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: `${base}/{endpointId}`,
    request: { path: webhookEndpointPath },
    response: { status: 204 },
  },
  {
    ...common,
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: `${base}/{endpointId}/rotate-secret`,
    request: { path: webhookEndpointPath },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: `${base}/{endpointId}/deliveries`,
    request: { path: webhookEndpointPath, query: listQuery },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'replayWebhookDelivery',
    method: 'POST',
    path: `${base}/{endpointId}/deliveries/{deliveryId}/replay`,
    request: { path: webhookDeliveryPath },
    response: { status: 202 },
  },
] as const satisfies readonly RouteDefinition[];
