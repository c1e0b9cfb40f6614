import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Follows a DynamoDB Local table's stream (DynamoDB Streams' JSON protocol, which DynamoDB Local
 * speaks) and hands each batch of records to `deliver`, like a Lambda event source mapping: in
 * shard order, a batch retried until it succeeds. Only new records (LATEST): what was written
 * while the stack was down is the outbox sweeper's to deliver.
 */
export interface TableStreamOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  streamArn: string;
  deliver: (event: DynamoDBStreamEvent) => Promise<unknown>;
  log?: (line: string) => void;
  pollMs?: number;
}

export interface TableStream {
  stop(): Promise<void>;
}

type StreamRecord = { eventID: string; eventName: DynamoDBRecord['eventName']; dynamodb: DynamoDBRecord['dynamodb'] & { NewImage?: Record<string, AttributeValue> } };

export function followTableStream(options: TableStreamOptions): TableStream {
  const log = options.log ?? ((line: string) => console.error(line));
  const pollMs = options.pollMs ?? 250;
  let stopped = false;
  const iterators = new Map<string, string>();

  async function call<T>(operation: string, body: unknown): Promise<T> {
    const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const response = await fetch(options.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        // DynamoDB Local (-sharedDb) reads the key id but does not check the signature.
        authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/${date}/${options.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB Streams ${operation}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  let firstRefresh = true;
  async function refreshShards() {
    const { StreamDescription } = await call<{ StreamDescription: { Shards: Array<{ ShardId: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }> } }>(
      'DescribeStream',
      { StreamArn: options.streamArn },
    );
    for (const shard of StreamDescription.Shards) {
      if (iterators.has(shard.ShardId) || shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      const { ShardIterator } = await call<{ ShardIterator: string }>('GetShardIterator', {
        StreamArn: options.streamArn,
        ShardId: shard.ShardId,
        // Shards opened after start (DynamoDB rolls them over) are read from their beginning.
        ShardIteratorType: firstRefresh ? 'LATEST' : 'TRIM_HORIZON',
      });
      iterators.set(shard.ShardId, ShardIterator);
    }
    firstRefresh = false;
  }

  async function pollShard(shardId: string, iterator: string) {
    const { Records, NextShardIterator } = await call<{ Records: StreamRecord[]; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: 100 });
    if (Records.length > 0) {
      const event: DynamoDBStreamEvent = {
        Records: Records.map((record) => ({ ...record, eventSource: 'aws:dynamodb', awsRegion: options.region, eventSourceARN: options.streamArn }) as DynamoDBRecord),
      };
      // Like an event source mapping: the batch is retried until the dispatcher takes it.
      for (let attempt = 1; !stopped; attempt++) {
        try {
          const result = (await options.deliver(event)) as { batchItemFailures?: unknown[] } | undefined;
          if (!result?.batchItemFailures?.length) break;
          log(`table stream: ${result.batchItemFailures.length} record(s) failed; retrying (the sweeper also will)`);
        } catch (error) {
          log(`table stream: dispatcher failed (${(error as Error).message}); retrying`);
        }
        await sleep(Math.min(200 * 2 ** attempt, 5_000));
        if (attempt >= 5) break;
      }
    }
    if (NextShardIterator) iterators.set(shardId, NextShardIterator);
    else iterators.delete(shardId);
  }

  const loop = (async () => {
    let sinceRefresh = Infinity;
    while (!stopped) {
      try {
        if (sinceRefresh > 20) {
          await refreshShards();
          sinceRefresh = 0;
        }
        sinceRefresh += 1;
        for (const [shardId, iterator] of [...iterators]) await pollShard(shardId, iterator);
      } catch (error) {
        if (!stopped) log(`table stream: ${(error as Error).message}`);
        sinceRefresh = Infinity;
      }
      await sleep(pollMs);
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
