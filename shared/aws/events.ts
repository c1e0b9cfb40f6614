import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from './event-bridge';
import { config } from '../config';
import { eventSource, type DetailType, type EventContract } from '../../events/contracts';
import type * as z from '../zod';

/** PutEvents takes at most 10 entries and 256 KB per call; stay under with room for the envelope. */
const entriesPerPut = 10;
const bytesPerPut = 200_000;

/** Whether EventBridge took each event; `reason` says why not. */
export type PutOutcome = { accepted: true } | { accepted: false; reason: string };

/**
 * Publishes events of one detail-type to the product's bus, each detail checked against its
 * contract first. Answers one outcome per event, in order — a refused entry or a failed call is
 * an outcome, not an exception — so callers can settle what went out and retry what did not.
 */
export async function putEvents<C extends EventContract>(contract: C, details: readonly z.infer<C['schema']>[]): Promise<PutOutcome[]> {
  return putCheckedEvents(contract.detailType, details.map((detail) => JSON.stringify(contract.schema.parse(detail))));
}

/** putEvents for details already checked against their contract, as JSON: the outbox's records, checked when written. */
export async function putCheckedEvents(detailType: DetailType, details: readonly string[]): Promise<PutOutcome[]> {
  const entries: PutEventsRequestEntry[] = details.map((detail) => ({
    EventBusName: config.eventBusName,
    Source: eventSource,
    DetailType: detailType,
    Detail: detail,
  }));
  const outcomes: PutOutcome[] = [];
  for (const batch of batchesOf(entries)) {
    try {
      const result = await eventBridgeClient().send(new PutEventsCommand({ Entries: batch }));
      batch.forEach((_, index) => {
        const entry = result.Entries?.[index];
        outcomes.push(entry?.EventId ? { accepted: true } : { accepted: false, reason: `${entry?.ErrorCode ?? 'Unknown'}: ${entry?.ErrorMessage ?? 'no event id'}` });
      });
    } catch (error) {
      batch.forEach(() => outcomes.push({ accepted: false, reason: `${(error as Error).name}: ${(error as Error).message}` }));
    }
  }
  return outcomes;
}

/** Publishes and throws if EventBridge refused any event: for callers with nothing to settle per event. */
export async function publishEvents<C extends EventContract>(contract: C, details: readonly z.infer<C['schema']>[]): Promise<void> {
  const refused = (await putEvents(contract, details)).filter((o): o is Extract<PutOutcome, { accepted: false }> => !o.accepted);
  if (refused.length) throw new Error(`EventBridge refused ${refused.length} ${contract.detailType} event(s): ${refused.map((o) => o.reason).join('; ')}`);
}

function batchesOf(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let bytes = 0;
  for (const entry of entries) {
    const last = batches.at(-1);
    const size = entry.Detail!.length;
    if (last && last.length < entriesPerPut && bytes + size <= bytesPerPut) {
      last.push(entry);
      bytes += size;
    } else {
      batches.push([entry]);
      bytes = size;
    }
  }
  return batches;
}
