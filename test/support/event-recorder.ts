import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { eventSource } from '../../events/contracts';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus';
import type { Json } from './api-client';

export interface RecordedEvent {
  detailType: string;
  detail: Json;
}

/**
 * A local event bus that records what the code under test publishes instead of delivering it,
 * with the product's EventBridge client pointed at it (AWS_ENDPOINT_URL_EVENTBRIDGE, EVENT_BUS_NAME).
 */
export async function startRecordingBus(): Promise<{ bus: LocalEventBus; published: RecordedEvent[] }> {
  const published: RecordedEvent[] = [];
  const bus = await startLocalEventBus({
    log: () => undefined,
    invoke: async (_target, event) => {
      const e = event as { 'detail-type': string; detail: Json };
      published.push({ detailType: e['detail-type'], detail: e.detail });
    },
  });
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  process.env.EVENT_BUS_NAME = bus.busName;
  return { bus, published };
}

/** An event as an EventBridge rule delivers it to its target. */
export function deliveredEvent<T extends string>(detailType: T, detail: unknown): EventBridgeEvent<T, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: eventSource,
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'ap-southeast-2',
    resources: [],
    detail,
  };
}
