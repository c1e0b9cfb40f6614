import { randomBytes } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureBucket, ensureTable, startLocalAws } from './aws-services';
import { openLocalIdp, type LocalIdp } from './auth';
import { localBusName, startLocalEventBus, type LocalEventBus } from './event-bus';
import { startHttpServer, type LocalHttpServer } from './http-server';
import { startLocalIdentityProvider } from './identity-provider';
import { invokeLocal, repoRoot } from './lambda';
import { startLocalLambdaEndpoint } from './lambda-endpoint';
import { followTableStream } from './table-stream';
import { startScheduler } from './scheduler';
import { seedDemoData } from './seed';
import { dispatchOutbox, loadStalePending } from '../../shared/db/outbox';
import { startLocalStepFunctions, type ExecutionStatusChange } from './step-functions';

/**
 * The whole product on one machine, as `npm start` runs it: the real local AWS servers, the
 * event bus, Step Functions, the scheduler and the API, wired from the same declarations as AWS.
 */
export const tableName = 'progress-claims';
export const bucketName = 'progress-claims-local';
/** Where `npm start` keeps its data, and where the CLIs find it (`LOCAL_DATA_DIR` overrides it, as the walkthrough test does). */
export const defaultDataDir = process.env.LOCAL_DATA_DIR || path.join(repoRoot, '.local');

export interface LocalRuntimeOptions {
  port: number;
  /** Data on disk (DynamoDB, S3, signing key, dead letters, runtime.json); omitted → in memory / temp. */
  dataDir?: string;
  host?: string;
  seed?: boolean;
  schedules?: boolean;
  log?: (line: string) => void;
}

export interface LocalRuntime {
  apiUrl: string;
  docsUrl: string;
  openApiUrl: string;
  mailboxUrl: string;
  bus: LocalEventBus;
  idp: LocalIdp;
  stop(): Promise<void>;
}

/** The list cursors' HMAC key: random, made once and kept in the data directory, so cursors survive restarts. */
async function localCursorSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'cursor-secret');
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const secret = randomBytes(32).toString('base64url');
  await fs.writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** What `<dataDir>/runtime.json` holds, so the CLIs can reach a running stack. */
export interface RuntimeFile {
  pid: number;
  apiUrl: string;
  env: Record<string, string>;
}

export const runtimeFilePath = (dataDir: string) => path.join(dataDir, 'runtime.json');

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  let api: LocalHttpServer | undefined;
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    // The API first, so that no request reaches a service that is already gone; then the rest in reverse.
    const steps = [...(api ? [api.stop] : []), ...stops.splice(0).reverse()];
    api = undefined;
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
  };

  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'progress-claims-')));
  if (!options.dataDir) stops.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  let markReady!: () => void;
  let markFailed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (markFailed = reject)));
  ready.catch(() => undefined); // requests waiting on it get a 503; the caller gets the error

  try {
    // The API port first: a taken port fails in milliseconds, before Java starts.
    const idp = await openLocalIdp(dataDir);
    api = await startHttpServer({ port: options.port, host: options.host ?? '127.0.0.1', idp, log, ready });
    const apiUrl = api.url;

    const aws = await startLocalAws({ dataDir: options.dataDir, log });
    stops.push(aws.stop);
    const [streamArn] = await Promise.all([ensureTable(tableName, aws.env.AWS_ENDPOINT_URL_DYNAMODB!), ensureBucket(bucketName, aws.env.AWS_ENDPOINT_URL_S3!)]);
    const bus = await startLocalEventBus({ dataDir, log });
    stops.push(bus.stop);
    const stepFunctions = await startLocalStepFunctions({ dataDir, log, onStatusChange: (detail) => publishStatusChange(bus.endpoint, detail) });
    stops.push(stepFunctions.stop);
    const userPool = await startLocalIdentityProvider();
    stops.push(userPool.stop);
    const lambda = await startLocalLambdaEndpoint();
    stops.push(lambda.stop);

    const env: Record<string, string> = {
      ...aws.env,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      // The SDK's variable for the service whose serviceId is "Cognito Identity Provider".
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: userPool.endpoint,
      USER_POOL_ID: userPool.userPoolId,
      // Functions invoked synchronously (the invoice PDF renderer) run in this process.
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      INVOICE_PDF_FUNCTION_NAME: 'renderInvoicePdf',
      TABLE_NAME: tableName,
      BUCKET_NAME: bucketName,
      EVENT_BUS_NAME: bus.busName,
      BACKUP_STATE_MACHINE_ARN: stepFunctions.stateMachineArn,
      EMAIL_FROM: 'billing@northbeam.example',
      FRONTEND_BASE_URL: process.env.FRONTEND_BASE_URL ?? apiUrl,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      CURSOR_SECRET: await localCursorSecret(dataDir),
      // Webhook receivers on this machine (http, loopback) are allowed locally; AWS allows only public https.
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      // Each company's e-signature certificate, made on first use and kept with the data.
      SIGNING_CERTIFICATE_DIR: path.join(dataDir, 'signing-certificates'),
      // A company's DocuSign secrets (RSA key, Connect HMAC keys), where an administrator puts them locally.
      DOCUSIGN_SECRET_DIR: path.join(dataDir, 'docusign'),
    };
    Object.assign(process.env, env);

    // The outbox dispatcher on the table's stream, as the event source mapping runs it in AWS.
    const stream = followTableStream({
      endpoint: aws.env.AWS_ENDPOINT_URL_DYNAMODB!,
      region: aws.env.AWS_REGION!,
      accessKeyId: aws.env.AWS_ACCESS_KEY_ID!,
      streamArn,
      deliver: (event) => invokeLocal('outboxDispatcher', event),
      log,
    });
    stops.push(stream.stop);

    if (options.seed ?? true) {
      const created = await seedDemoData();
      if (created > 0) log(`seeded ${created} demo items`);
    }
    // Backups a killed run left running end now (failed, emailed), never left running.
    await stepFunctions.recover();
    await deliverLeftPending(log);
    if (options.schedules ?? true) {
      const scheduler = startScheduler(log);
      stops.push(() => scheduler.stop());
    }

    const runtimeFile = runtimeFilePath(dataDir);
    await fs.writeFile(runtimeFile, JSON.stringify({ pid: process.pid, apiUrl, env } satisfies RuntimeFile, null, 2));
    stops.push(() => fs.rm(runtimeFile, { force: true }));

    markReady();
    return {
      apiUrl,
      docsUrl: `${apiUrl}/docs`,
      openApiUrl: `${apiUrl}/openapi.json`,
      mailboxUrl: aws.mailboxUrl,
      bus,
      idp,
      stop,
    };
  } catch (error) {
    markFailed(error as Error);
    await stop();
    throw error;
  }
}

/**
 * Outbox records a killed run left pending go out now: the stream follower starts at the
 * stream's end, and the sweeper would wait until they are two minutes old. Never throws: what
 * fails here is still pending, and the sweeper retries it.
 */
async function deliverLeftPending(log: (line: string) => void): Promise<void> {
  try {
    const { dispatched, failed } = await dispatchOutbox(await loadStalePending(new Date()));
    if (dispatched.length || failed.length) log(`outbox: ${dispatched.length} record(s) left pending by the last run delivered, ${failed.length} failed`);
  } catch (error) {
    log(`outbox: records left pending by the last run not delivered (${(error as Error).message}); the sweeper retries them`);
  }
}

/** Step Functions' own event for an ended execution, on the local bus (in AWS it reaches the default bus). */
async function publishStatusChange(endpoint: string, detail: ExecutionStatusChange): Promise<void> {
  const client = new EventBridgeClient({ endpoint, region: process.env.AWS_REGION ?? 'ap-southeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { FailedEntryCount, Entries } = await client.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: localBusName, Source: 'aws.states', DetailType: 'Step Functions Execution Status Change', Resources: [detail.executionArn], Detail: JSON.stringify(detail) }],
    }),
  );
  if (FailedEntryCount) throw new Error(`PutEvents refused the status change: ${Entries?.[0]?.ErrorMessage}`);
}
