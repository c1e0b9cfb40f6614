import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalEventBus, type LocalEventBus } from '../../infra/local/event-bus';
import { backupExecutionEndedRule } from '../../shared/wiring/event-rules';
import type { FunctionName } from '../../shared/wiring/functions';

/** The bus over its real wire protocol, with a recording target in place of the handlers. */
const calls: Array<{ target: FunctionName; event: Record<string, unknown> }> = [];
let failuresLeft = 0;
const lines: string[] = [];
let dataDir: string;
let bus: LocalEventBus;
let client: EventBridgeClient;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-bus-'));
  bus = await startLocalEventBus({
    dataDir,
    log: (line) => lines.push(line),
    rules: [
      { name: 'send-email', source: 'progress-claims', detailType: 'email.requested', target: 'sendEmail' },
      { name: 'audit', source: 'progress-claims', detailType: 'email.requested', target: 'health' },
      backupExecutionEndedRule,
    ],
    invoke: async (target, event) => {
      calls.push({ target, event: event as Record<string, unknown> });
      if (target === 'sendEmail' && failuresLeft-- > 0) throw new Error('SES is down');
    },
    retry: { attempts: 3, baseDelayMs: 5 },
  });
  client = new EventBridgeClient({
    endpoint: bus.endpoint,
    region: 'ap-southeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await bus.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  calls.length = 0;
  lines.length = 0;
  failuresLeft = 0;
});

const entry = (detail: unknown = { emailId: 'e1' }) => ({
  EventBusName: bus.busName,
  Source: 'progress-claims',
  DetailType: 'email.requested',
  Detail: JSON.stringify(detail),
});

describe('local event bus', () => {
  it('matches a rule’s detail fields: a backup execution that failed is delivered, one that succeeded is not', async () => {
    const statusChange = (status: string) => ({
      EventBusName: bus.busName,
      Source: 'aws.states',
      DetailType: 'Step Functions Execution Status Change',
      Detail: JSON.stringify({ executionArn: `arn:x:${status}`, status }),
    });
    await client.send(new PutEventsCommand({ Entries: [statusChange('SUCCEEDED'), statusChange('FAILED'), statusChange('ABORTED')] }));
    await bus.idle();
    expect(calls.map((c) => [c.target, (c.event.detail as { status: string }).status])).toEqual([
      ['backupExecutionEnded', 'FAILED'],
      ['backupExecutionEnded', 'ABORTED'],
    ]);
  });

  it('answers PutEvents at once and delivers an EventBridge envelope to every matching rule', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [{ ...entry(), Time: new Date('2027-01-15T03:00:00.250Z'), Resources: ['r1'] }] }));
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries![0]!.EventId!;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

    await bus.idle();
    expect(calls.map((c) => c.target).sort()).toEqual(['health', 'sendEmail']);
    expect(calls[0]!.event).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'email.requested',
      source: 'progress-claims',
      account: '000000000000',
      time: '2027-01-15T03:00:00Z',
      region: expect.any(String),
      resources: ['r1'],
      detail: { emailId: 'e1' },
    });
  });

  it('fails the entries it cannot take, and takes the others', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...entry(), Detail: 'not json' },
          { ...entry(), EventBusName: 'someone-elses-bus' },
          { ...entry(), DetailType: 'nobody.listens' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: expect.any(String) },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: expect.stringContaining('someone-elses-bus') },
      { EventId: expect.any(String) },
    ]);
    await bus.idle();
    expect(calls).toEqual([]);
    expect(lines.join('\n')).toMatch(/nobody\.listens .*no rule matches/);
  });

  it('retries a failing delivery with backoff until it succeeds', async () => {
    failuresLeft = 2;
    await client.send(new PutEventsCommand({ Entries: [entry()] }));
    await bus.idle();
    expect(calls.filter((c) => c.target === 'sendEmail')).toHaveLength(3);
    expect(fs.existsSync(path.join(dataDir, 'dead-letters.jsonl'))).toBe(false);
  });

  it('dead-letters a delivery that keeps failing, and logs it', async () => {
    failuresLeft = Infinity;
    const result = await client.send(new PutEventsCommand({ Entries: [entry({ emailId: 'doomed' })] }));
    await bus.idle();
    expect(calls.filter((c) => c.target === 'sendEmail')).toHaveLength(3);
    const letters = fs
      .readFileSync(path.join(dataDir, 'dead-letters.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(letters).toEqual([
      expect.objectContaining({ rule: 'send-email', target: 'sendEmail', attempts: 3, error: 'SES is down', event: expect.objectContaining({ id: result.Entries![0]!.EventId, detail: { emailId: 'doomed' } }) }),
    ]);
    expect(lines.join('\n')).toMatch(/sendEmail failed 3 times \(SES is down\); dead-lettered/);
  });

  it('refuses other operations as the AWS JSON protocol does', async () => {
    const response = await fetch(bus.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListRules' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('local event bus journal', () => {
  it('delivers after a restart what a killed bus had accepted but not delivered, and nothing it had', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-bus-journal-'));
    const rules = [{ name: 'send-email', source: 'progress-claims', detailType: 'email.requested', target: 'sendEmail' }] as const;
    const delivered: string[] = [];
    try {
      // The first bus takes two events; the target never finishes the second (the stack is killed meanwhile).
      const first = await startLocalEventBus({
        dataDir: dir,
        log: () => undefined,
        rules,
        invoke: async (_target, event) => {
          const { detail } = event as { detail: { emailId: string } };
          if (detail.emailId === 'hangs') return new Promise(() => undefined);
          delivered.push(detail.emailId);
        },
      });
      const put = new EventBridgeClient({ endpoint: first.endpoint, region: 'ap-southeast-2', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
      const entries = ['done', 'hangs'].map((emailId) => ({ EventBusName: first.busName, Source: 'progress-claims', DetailType: 'email.requested', Detail: JSON.stringify({ emailId }) }));
      await put.send(new PutEventsCommand({ Entries: entries }));
      put.destroy();
      await expect.poll(() => delivered).toEqual(['done']);

      // A new bus on the same data directory delivers only the unfinished one.
      const second = await startLocalEventBus({
        dataDir: dir,
        log: () => undefined,
        rules,
        invoke: async (_target, event) => void delivered.push((event as { detail: { emailId: string } }).detail.emailId),
      });
      await second.idle();
      await second.stop();
      expect(delivered).toEqual(['done', 'hangs']);
      // Settled now: a third start delivers nothing.
      const third = await startLocalEventBus({ dataDir: dir, log: () => undefined, rules, invoke: async () => void delivered.push('again') });
      await third.idle();
      await third.stop();
      expect(delivered).toEqual(['done', 'hangs']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
