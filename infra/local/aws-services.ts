import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, Server } from 'node:http';
import S3rver from 's3rver';
import sesLocal from 'aws-ses-v2-local';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client, BucketAlreadyOwnedByYou, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { tableDefinition } from '../../shared/db/table';
import { freePort, waitForPort } from './ports';

/**
 * The real local servers that speak the AWS wire protocols: DynamoDB Local (AWS's jar),
 * s3rver and aws-ses-v2-local. `npm start` keeps their data on disk; tests keep it in memory.
 */
export interface LocalAwsOptions {
  /** Directory for DynamoDB and S3 data; omitted → DynamoDB in memory, S3 in a temp dir. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface LocalAws {
  /** Environment that points the AWS SDK (and so every handler) at these servers. */
  env: Record<string, string>;
  mailboxUrl: string;
  /** The S3 requests s3rver has served so far, by operation (see `s3Operation`): the benchmarks' tally. */
  s3Requests(): Record<string, number>;
  stop(): Promise<void>;
}

/** Thrown when Java is not installed: DynamoDB Local cannot run without it. */
export class JavaMissingError extends Error {
  constructor() {
    super('Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on the PATH: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and try again.');
  }
}

const credentials = {
  // s3rver only accepts its own built-in key pair; DynamoDB Local (-sharedDb) and SES local accept any.
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'ap-southeast-2',
};

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamoDbLocal(options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined);
    stops.push(dynamo.stop);
    const s3 = await startS3rver(options.dataDir ? path.join(options.dataDir, 's3') : undefined);
    stops.push(s3.stop);
    // An SES that outlives this stack (the fault test's: as AWS's SES outlives a crashed Lambda), or our own.
    const ses = process.env.LOCAL_SES_ENDPOINT ? { endpoint: process.env.LOCAL_SES_ENDPOINT, stop: async () => undefined } : await startSesLocal();
    stops.push(ses.stop);
    return {
      env: {
        ...credentials,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      },
      mailboxUrl: ses.endpoint,
      s3Requests: s3.requests,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startDynamoDbLocal(dbPath: string | undefined) {
  const require = createRequire(import.meta.url);
  const emulatorDir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const port = await freePort();
  if (dbPath) fs.mkdirSync(dbPath, { recursive: true });
  const args = [
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-port',
    String(port),
    '-sharedDb',
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
  ];
  const child: ChildProcess = spawn('java', args, { cwd: emulatorDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new JavaMissingError() : error));
  });
  await spawned;
  try {
    // Generous: on a loaded machine the JVM can take well over 30 s to listen.
    await waitForPort(port, 120_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Where data that lives only as long as a run is kept: a RAM-backed directory (/dev/shm, Linux's
 * tmpfs) when there is one, so that tests and benchmarks keep S3 in memory as they keep DynamoDB
 * (-inMemory); else the system's temp directory.
 */
export function memoryTempDir(): string {
  try {
    if (fs.statSync('/dev/shm').isDirectory()) {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // No tmpfs here (macOS, Windows): the temp directory.
  }
  return os.tmpdir();
}

/** s3rver on a free port, counting the requests it serves by operation; its objects in memory unless `directory` is given. */
export async function startS3rver(directory?: string) {
  const port = await freePort();
  const dir = directory ?? fs.mkdtempSync(path.join(memoryTempDir(), 's3rver-'));
  fs.mkdirSync(dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port, directory: dir, silent: true });
  await server.run();
  const counts: Record<string, number> = {};
  (server as unknown as { httpServer: Server }).httpServer.on('request', (request: IncomingMessage) => {
    const operation = s3Operation(request.method ?? '', request.url ?? '');
    counts[operation] = (counts[operation] ?? 0) + 1;
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => ({ ...counts }),
    stop: async () => {
      await server.close();
      if (!directory) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The S3 operation a path-style request is, by its method, whether it names a key, and its query. */
export function s3Operation(method: string, url: string): string {
  const { pathname, searchParams } = new URL(url, 'http://s3');
  const object = pathname.split('/').filter(Boolean).length > 1;
  const has = (name: string) => searchParams.has(name);
  if (!object) return method === 'GET' ? 'ListObjects' : `${method} bucket`;
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') return has('partNumber') && has('uploadId') ? 'UploadPart' : 'PutObject';
  if (method === 'POST') return has('uploads') ? 'CreateMultipartUpload' : has('uploadId') ? 'CompleteMultipartUpload' : 'POST object';
  if (method === 'DELETE') return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  return `${method} object`;
}

export async function startSesLocal() {
  const port = await freePort();
  // The package is CommonJS with `exports.default`; Node's ESM interop may wrap it once more.
  const start = ((sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal) as typeof sesLocal;
  const server: Server = await start({ host: '127.0.0.1', port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Creates the product's table (keys and indexes from the ElectroDB entities) unless it exists, with
 * its stream of new images on (turned on for a table made before the outbox); answers the stream's ARN.
 */
export async function ensureTable(tableName: string, endpoint: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: credentials.AWS_REGION, credentials: keyPair() });
  const table = tableDefinition();
  const attributes = new Set([table.partitionKey, table.sortKey, ...table.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.globalIndexes.map(
          (index): GlobalSecondaryIndex => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.LatestStreamArn && Table.StreamSpecification?.StreamEnabled) return Table.LatestStreamArn;
    const { TableDescription } = await client.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }),
    );
    if (!TableDescription?.LatestStreamArn) throw new Error(`DynamoDB Local did not answer a stream ARN for ${tableName}`);
    return TableDescription.LatestStreamArn;
  } finally {
    client.destroy();
  }
}

/** Creates the product's bucket unless it exists, with the CORS a browser upload needs. */
export async function ensureBucket(bucketName: string, endpoint: string): Promise<void> {
  const client = new S3Client({ endpoint, region: credentials.AWS_REGION, credentials: keyPair(), forcePathStyle: true });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou) && (error as Error).name !== 'BucketAlreadyExists') throw error;
  }
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucketName,
      CORSConfiguration: {
        CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'], AllowedHeaders: ['*'], MaxAgeSeconds: 3000 }],
      },
    }),
  );
  client.destroy();
}

function keyPair() {
  return { accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY };
}
