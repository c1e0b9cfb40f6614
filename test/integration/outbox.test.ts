import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalEventBus } from '../../infra/local/event-bus';
import { ensureTable } from '../../infra/local/aws-services';
import { followTableStream, type TableStream } from '../../infra/local/table-stream';
import { handler as dispatcher } from '../../functions/events/outbox-dispatcher';
import { dbService, db } from '../../shared/db/service';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';
import { tasksResyncEvent } from '../../events/contracts';

/**
 * The local stack's outbox path: a record committed in a transaction reaches the bus through
 * DynamoDB Local's stream and the same dispatcher Lambda runs, once, with nobody calling it.
 */
let bus: LocalEventBus;
let published: RecordedEvent[] = [];
let stream: TableStream;

beforeAll(async () => {
  ({ bus, published } = await startRecordingBus());
  const streamArn = await ensureTable(process.env.TABLE_NAME!, process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  stream = followTableStream({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    region: process.env.AWS_REGION!,
    accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
    streamArn,
    deliver: (event) => dispatcher(event),
    log: () => undefined,
    pollMs: 100,
  });
  // The follower starts at the stream's end: let it find its shard before writing.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
});

afterAll(async () => {
  await stream?.stop();
  await bus?.stop();
});

it('publishes an outbox record written in a transaction from the table stream, once, and marks it dispatched', async () => {
  const projectId = randomUUID();
  const detail = { projectId, billingPeriodId: randomUUID() };
  const record = outboxRecord(tasksResyncEvent, detail, new Date());
  await dbService()
    .transaction.write((entities) => [outboxWrite(entities, record)])
    .go();

  await expect.poll(async () => (await db().Outbox.get({ outboxId: record.outboxId }).go()).data?.dispatchedAt, { timeout: 15_000 }).toBeDefined();
  await bus.idle();
  expect(published.filter((p) => p.detail.projectId === projectId)).toEqual([{ detailType: 'tasks.resync', detail }]);
});
