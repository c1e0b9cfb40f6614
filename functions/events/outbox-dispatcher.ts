import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchOutbox } from '../../shared/db/outbox';
import { logger } from '../../shared/logger';

/** ElectroDB's entity marker on every item: the stream carries every write, only outbox inserts matter. */
const entityAttribute = '__edb_e__';

/**
 * The table's DynamoDB Stream (new images): each INSERT of an outbox record is published and marked
 * dispatched. Records that could not be published are reported as batch item failures, so the
 * event source mapping retries from there (bisecting on error) and finally hands them to its
 * on-failure destination; the sweeper retries whatever is still pending after that.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const inserts = event.Records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    const outboxId = image?.outboxId?.S;
    if (record.eventName !== 'INSERT' || image?.[entityAttribute]?.S !== 'outbox' || !outboxId) return [];
    return [{ outboxId, sequenceNumber: record.dynamodb!.SequenceNumber! }];
  });
  if (inserts.length === 0) return { batchItemFailures: [] };
  const { dispatched, skipped, failed } = await dispatchOutbox(inserts.map((insert) => insert.outboxId));
  logger.info('outbox dispatch', { records: event.Records.length, dispatched: dispatched.length, skipped: skipped.length, failed: failed.length });
  const failedIds = new Set(failed.map((f) => f.outboxId));
  return {
    batchItemFailures: inserts.filter((insert) => failedIds.has(insert.outboxId)).map((insert) => ({ itemIdentifier: insert.sequenceNumber })),
  };
};
