import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** One EventBridge client per process; the endpoint comes from `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
let events: EventBridgeClient | undefined;

export function eventBridgeClient(): EventBridgeClient {
  events ??= new EventBridgeClient({});
  return events;
}
