import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { EventBridgeEvent } from 'aws-lambda';
import { backupExecutionEndedRule, eventRules } from '../../shared/wiring/event-rules';
import type { FunctionName } from '../../shared/wiring/functions';
import { invokeLocal } from './lambda';

/**
 * The local event bus: a real endpoint speaking EventBridge's JSON protocol, so product code's
 * `PutEventsCommand` works unchanged (AWS_ENDPOINT_URL_EVENTBRIDGE). It answers at once and then
 * delivers each event to the targets of the matching rules, asynchronously, with retries and a
 * dead-letter file like an EventBridge rule with a DLQ.
 */
export const localBusName = 'progress-claims-local';

export interface LocalEventBusOptions {
  port?: number;
  /** Dead letters go to `<dataDir>/dead-letters.jsonl`; without it they are only logged. */
  dataDir?: string;
  log?: (line: string) => void;
  /** Seams for tests: the rules and how a target is called. */
  rules?: readonly LocalRule[];
  invoke?: (target: FunctionName, event: unknown) => Promise<unknown>;
  retry?: { attempts: number; baseDelayMs: number };
}

/** A rule as the local bus matches it: source, detail-type, and any of the values of some detail fields. */
interface LocalRule {
  name: string;
  source: string;
  detailType: string;
  detail?: Readonly<Record<string, readonly string[]>>;
  target: FunctionName;
}

const localRules: readonly LocalRule[] = [...eventRules, backupExecutionEndedRule];

function matches(rule: LocalRule, event: Envelope): boolean {
  if (rule.source !== event.source || rule.detailType !== event['detail-type']) return false;
  const detail = event.detail as Record<string, unknown>;
  return Object.entries(rule.detail ?? {}).every(([field, values]) => values.includes(detail[field] as string));
}

export interface LocalEventBus {
  endpoint: string;
  busName: typeof localBusName;
  /** Resolves when every accepted event has been delivered or dead-lettered. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

type Envelope = EventBridgeEvent<string, unknown>;

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** The SDK sends epoch seconds. */
  Time?: number | string;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export async function startLocalEventBus(options: LocalEventBusOptions = {}): Promise<LocalEventBus> {
  const log = options.log ?? ((line: string) => console.error(line));
  const rules = options.rules ?? localRules;
  const invoke = options.invoke ?? invokeLocal;
  const retry = options.retry ?? { attempts: 4, baseDelayMs: 200 };
  const deadLetterFile = options.dataDir ? path.join(options.dataDir, 'dead-letters.jsonl') : undefined;
  const journal = options.dataDir ? await openJournal(path.join(options.dataDir, 'event-journal.jsonl')) : undefined;
  const pending = new Set<Promise<void>>();

  function schedule(rule: (typeof rules)[number], event: Envelope) {
    const delivery = deliver(rule, event)
      .then(() => journal?.settled(rule.name, event.id))
      .finally(() => pending.delete(delivery));
    pending.add(delivery);
  }

  function accept(entry: PutEventsEntry): EntryResult {
    const busName = entry.EventBusName?.split('/').pop() ?? 'default';
    if (busName !== localBusName) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist (the local bus is ${localBusName}).` };
    }
    if (!entry.Source || !entry.DetailType) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and DetailType are required.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail ?? '');
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    const event: Envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: eventTime(entry.Time),
      region: process.env.AWS_REGION ?? 'ap-southeast-2',
      resources: entry.Resources ?? [],
      detail,
    };
    const targets = rules.filter((rule) => matches(rule, event));
    if (targets.length === 0) log(`event ${event['detail-type']} ${event.id}: no rule matches, nothing delivered`);
    // Journaled before PutEvents answers: an event the bus accepted survives a kill of the stack.
    for (const rule of targets) journal?.accepted(rule.name, event);
    for (const rule of targets) schedule(rule, event);
    return { EventId: event.id };
  }

  async function deliver(rule: (typeof rules)[number], event: Envelope): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      try {
        await invoke(rule.target, event);
        log(`event ${event['detail-type']} ${event.id} → ${rule.target} delivered`);
        return;
      } catch (error) {
        lastError = error;
        if (attempt < retry.attempts) await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    log(
      `event ${event['detail-type']} ${event.id} → ${rule.target} failed ${retry.attempts} times (${message})` +
        (deadLetterFile ? `; dead-lettered to ${deadLetterFile}` : `: ${JSON.stringify(event)}`),
    );
    if (deadLetterFile) {
      const letter = { failedAt: new Date().toISOString(), rule: rule.name, target: rule.target, attempts: retry.attempts, error: message, event };
      await fs.mkdir(path.dirname(deadLetterFile), { recursive: true });
      await fs.appendFile(deadLetterFile, `${JSON.stringify(letter)}\n`);
    }
  }

  // Deliveries a previous run accepted but never finished (it was killed): deliver them now.
  for (const { rule: name, event } of journal?.unsettled ?? []) {
    const rule = rules.find((r) => r.name === name);
    if (rule) schedule(rule, event);
  }

  const server = http.createServer((req, res) => {
    handlePutEvents(req, res, accept).catch((error: unknown) => {
      log(`event bus: ${(error as Error).stack ?? String(error)}`);
      awsError(res, 500, 'InternalException', 'Internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  const idle = async () => {
    // A delivery may publish more events, so wait until nothing new was added.
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    busName: localBusName,
    idle,
    stop: async () => {
      // Deliveries in flight may still publish, so the endpoint closes only once they settle.
      await idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * An append-only file of accepted deliveries and settled ones (delivered or dead-lettered), written
 * synchronously so a SIGKILL loses nothing the bus answered for; compacted to the unsettled ones at start.
 */
async function openJournal(file: string) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const unsettled = new Map<string, { rule: string; event: Envelope }>();
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: { accepted?: { rule: string; event: Envelope }; settled?: { rule: string; id: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line cut short by the kill
    }
    if (entry.accepted) unsettled.set(`${entry.accepted.rule} ${entry.accepted.event.id}`, entry.accepted);
    if (entry.settled) unsettled.delete(`${entry.settled.rule} ${entry.settled.id}`);
  }
  const kept = [...unsettled.values()];
  await fs.writeFile(file, kept.map((accepted) => `${JSON.stringify({ accepted })}\n`).join(''));
  return {
    unsettled: kept,
    accepted: (rule: string, event: Envelope) => appendFileSync(file, `${JSON.stringify({ accepted: { rule, event } })}\n`),
    settled: (rule: string, id: string) => appendFileSync(file, `${JSON.stringify({ settled: { rule, id } })}\n`),
  };
}

async function handlePutEvents(req: IncomingMessage, res: ServerResponse, accept: (entry: PutEventsEntry) => EntryResult) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
    return awsError(res, 400, 'UnknownOperationException', `The local event bus only speaks AWSEvents.PutEvents, not ${String(target)}.`);
  }
  let entries: unknown;
  try {
    entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown }).Entries;
  } catch {
    return awsError(res, 400, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
    return awsError(res, 400, 'ValidationException', 'Entries must hold 1 to 10 entries.');
  }
  const results = (entries as PutEventsEntry[]).map(accept);
  reply(res, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
}

function awsError(res: ServerResponse, status: number, type: string, message: string) {
  reply(res, status, { __type: type, message });
}

function reply(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(payload);
}

/** EventBridge's `time`: whole seconds, UTC, `Z`. */
function eventTime(time: PutEventsEntry['Time']): string {
  const date = time === undefined ? new Date() : new Date(typeof time === 'number' ? time * 1000 : time);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
