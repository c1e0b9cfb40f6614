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
