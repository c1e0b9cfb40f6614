import type { EventBridgeEvent } from 'aws-lambda';
import { webhookDeliveriesDue } from '../../events/contracts';
import { logger } from '../../shared/logger';
import { attemptDeliveries } from '../../shared/webhooks/deliver';

/**
 * webhook.deliveries-due events (from the outbox's fan-out): the first attempt of each new
 * delivery. What fails is retried by the webhook-retries schedule; nothing is thrown for a
 * receiver's failure, so Lambda's own retries never send a delivery early.
 */
export const handler = async (event: EventBridgeEvent<'webhook.deliveries-due', unknown>) => {
  const parsed = webhookDeliveriesDue.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid webhook.deliveries-due event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const summary = await attemptDeliveries(parsed.data.deliveryIds);
  logger.info('webhook deliveries attempted', counts(summary));
  return counts(summary);
};

const counts = (summary: Record<string, string[]>) => Object.fromEntries(Object.entries(summary).map(([key, ids]) => [key, ids.length]));
