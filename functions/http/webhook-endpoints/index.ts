/** The webhook endpoints function: a company's endpoints, their secrets, delivery log and replays (company admins). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookEndpoints, rotateWebhookSecret, updateWebhookEndpoint } from './endpoints';
import { listWebhookDeliveries, replayWebhookDelivery } from './deliveries';
import { webhookRoutes } from '../../../shared/api/webhooks';

export const handler = httpRouter(webhookRoutes, 
  { createWebhookEndpoint, listWebhookEndpoints, getWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, listWebhookDeliveries, replayWebhookDelivery },
  { idempotency: idempotencyKey },
);
