import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { db } from '../../../shared/db/service';
import { newDelivery } from '../../../shared/db/webhooks';
import { putEvents } from '../../../shared/aws/events';
import { toWebhookDeliveryResponse } from '../../../shared/api/webhooks-views';
import { logger } from '../../../shared/logger';
import { loadEndpoint, loadWebhookAdmin } from './access';
import { randomBytes } from 'node:crypto';
import { webhookDeliveriesDueEvent } from '../../../events/contracts';

export async function listWebhookDeliveries({ caller, path, query }: HttpInput<'listWebhookDeliveries'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const endpoint = await loadEndpoint(companyId, path.endpointId);
  const scope = `webhook-deliveries:${endpoint.endpointId}`;
  const page = await db()
    .WebhookDelivery.query.byEndpoint({ endpointId: endpoint.endpointId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit, order: 'desc' });
  return { body: { items: page.data.map(toWebhookDeliveryResponse), nextCursor: encodeCursor(scope, page.cursor) } };
}

/**
 * Sends a delivery's event again as a new delivery (its own webhook-id, the same body), attempted
 * at once by the delivery function; with an Idempotency-Key a retried request queues one replay.
 */
export async function replayWebhookDelivery({ caller, path }: HttpInput<'replayWebhookDelivery'>): Promise<Reply> {
  const { companyId } = await loadWebhookAdmin(caller.userId);
  const endpoint = await loadEndpoint(companyId, path.endpointId);
  const { data: original } = await db().WebhookDelivery.get({ deliveryId: path.deliveryId }).go();
  if (!original || original.endpointId !== endpoint.endpointId) throw problems.notFound(`No delivery ${path.deliveryId} to this endpoint.`);
  if (!endpoint.enabled) throw problems.conflict('The endpoint is disabled; enable it before replaying deliveries to it.');
  const delivery = newDelivery({ deliveryId: `msg_${randomBytes(20).toString('base64url')}`, endpoint, eventType: original.eventType, payload: original.payload, replayOf: original.deliveryId, now: new Date() });
  await db().WebhookDelivery.create(delivery).go();
  const [outcome] = await putEvents(webhookDeliveriesDueEvent, [{ deliveryIds: [delivery.deliveryId] }]);
  if (!outcome?.accepted) logger.warn('replay not requested now; the retry job attempts it within a minute', { deliveryId: delivery.deliveryId });
  return { status: 202, body: toWebhookDeliveryResponse(delivery), headers: { location: `/v1/webhook-endpoints/${endpoint.endpointId}/deliveries` } };
}
