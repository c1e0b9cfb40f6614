import { createHash } from 'node:crypto';
import { entitiesOf } from './service';
import { isConditionalFailure } from './conditions';
import { WebhookDelivery, WebhookEndpoint, webhookDueShardCount, type WebhookDeliveryItem, type WebhookEndpointItem } from './entities/webhook';
import { Project } from './entities/project';
import type { OutboxItem } from './entities/outbox';
import { isWebhookEventType } from '../domain/webhooks';

const fanOutEntities = /* @__PURE__ */ entitiesOf({ WebhookEndpoint, WebhookDelivery, Project });

/**
 * The outbox's side of webhooks: a domain event's record becomes one pending delivery per
 * subscribed endpoint (imported by the outbox dispatcher, so it imports nothing of the outbox's).
 */
export const dueShardOf = (deliveryId: string) => `webhook-due-${createHash('sha1').update(deliveryId).digest()[0]! % webhookDueShardCount}`;
/** Epoch ms as a sortable key of the `due` index. */
export const dueKey = (epochMs: number) => String(epochMs).padStart(15, '0');

/** The delivery of one outbox record to one endpoint: the same pair always gives the same id (the `webhook-id`). */
export const deliveryIdFor = (outboxId: string, endpointId: string) =>
  `msg_${createHash('sha256').update(`${outboxId}:${endpointId}`).digest('base64url').slice(0, 27)}`;

/** The JSON a receiver gets (Standard Webhooks' shape): the event type, when it happened, and its data. */
export const webhookPayload = (record: Pick<OutboxItem, 'detailType' | 'detail' | 'createdAt'>) =>
  JSON.stringify({ type: record.detailType, timestamp: record.createdAt, data: JSON.parse(record.detail) as unknown });

/** A new pending delivery, due now. */
export function newDelivery(input: { deliveryId: string; endpoint: WebhookEndpointItem; eventType: string; payload: string; replayOf?: string; now: Date }): WebhookDeliveryItem {
  const createdAt = input.now.toISOString();
  return {
    deliveryId: input.deliveryId,
    endpointId: input.endpoint.endpointId,
    companyId: input.endpoint.companyId,
    eventType: input.eventType,
    payload: input.payload,
    ...(input.replayOf ? { replayOf: input.replayOf } : {}),
    status: 'pending',
    attempts: 0,
    leaseUntil: 0,
    dueShard: dueShardOf(input.deliveryId),
    dueAt: dueKey(input.now.getTime()),
    createdAt,
    updatedAt: createdAt,
  };
}

export async function companyEndpoints(companyId: string): Promise<WebhookEndpointItem[]> {
  const { data } = await fanOutEntities().WebhookEndpoint.query.byCompany({ companyId }).go({ pages: 'all' });
  return data;
}

export type FanOutOutcome = { accepted: true; deliveryIds: string[] } | { accepted: false; reason: string };

/**
 * Turns outbox records of domain events into one pending delivery per enabled endpoint of the
 * project's company that subscribes to the event type. Idempotent: a record dispatched again
 * finds its deliveries already created (same ids) and creates nothing more. One outcome per record.
 */
export async function fanOutWebhooks(records: readonly OutboxItem[], now: Date): Promise<FanOutOutcome[]> {
  const companyOf = new Map<string, Promise<string | undefined>>();
  const endpointsOf = new Map<string, Promise<WebhookEndpointItem[]>>();
  const projectCompany = (projectId: string) => {
    if (!companyOf.has(projectId)) companyOf.set(projectId, fanOutEntities().Project.get({ projectId }).go({ attributes: ['companyId'] }).then(({ data }) => data?.companyId));
    return companyOf.get(projectId)!;
  };
  const endpoints = (companyId: string) => {
    if (!endpointsOf.has(companyId)) endpointsOf.set(companyId, companyEndpoints(companyId));
    return endpointsOf.get(companyId)!;
  };
  return Promise.all(
    records.map(async (record): Promise<FanOutOutcome> => {
      if (!isWebhookEventType(record.detailType)) return { accepted: true, deliveryIds: [] };
      try {
        const { projectId } = JSON.parse(record.detail) as { projectId: string };
        const companyId = await projectCompany(projectId);
        if (!companyId) return { accepted: true, deliveryIds: [] };
        const targets = (await endpoints(companyId)).filter((e) => e.enabled && e.eventTypes.includes(record.detailType));
        const payload = webhookPayload(record);
        const deliveryIds = await Promise.all(
          targets.map(async (endpoint) => {
            const delivery = newDelivery({ deliveryId: deliveryIdFor(record.outboxId, endpoint.endpointId), endpoint, eventType: record.detailType, payload, now });
            try {
              await fanOutEntities().WebhookDelivery.create(delivery).go();
            } catch (error) {
              if (!isConditionalFailure(error)) throw error; // created by an earlier dispatch of this record
            }
            return delivery.deliveryId;
          }),
        );
        return { accepted: true, deliveryIds };
      } catch (error) {
        return { accepted: false, reason: `webhook fan-out: ${(error as Error).name}: ${(error as Error).message}` };
      }
    }),
  );
}

