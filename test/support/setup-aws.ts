import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureBucket, ensureTable } from '../../infra/local/aws-services';
import { startLocalLambdaEndpoint } from '../../infra/local/lambda-endpoint';

/**
 * Each integration test file gets its own table and bucket on the shared local servers,
 * so files can run in parallel without seeing each other's data.
 */
const suffix = randomUUID().slice(0, 8);
Object.assign(process.env, inject('awsEnv'), {
  TABLE_NAME: `test-${suffix}`,
  BUCKET_NAME: `test-bucket-${suffix}`,
  EVENT_BUS_NAME: 'test-bus',
  EMAIL_FROM: 'billing@progress-claims.test',
  FRONTEND_BASE_URL: 'https://app.progress-claims.test',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  // Tests send few emails and are not about SES's rate (the pacer has its own tests): pace loosely.
  SES_SEND_RATE: process.env.SES_SEND_RATE ?? '100',
  // Test receivers listen on loopback, as the local stack allows (a test sets it to 'false' for AWS's rules).
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  // E-signature certificates: made on first use, per test file.
  SIGNING_CERTIFICATE_DIR: path.join(tmpdir(), `signing-certificates-${suffix}`),
  // DocuSign secrets, as the local stack keeps them (none until a test puts a company's there).
  DOCUSIGN_SECRET_DIR: path.join(tmpdir(), `docusign-secrets-${suffix}`),
});

let stopLambda: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // Functions one function invokes synchronously (the invoice PDF renderer) run in this test's process.
  const lambda = await startLocalLambdaEndpoint();
  stopLambda = lambda.stop;
  Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint, INVOICE_PDF_FUNCTION_NAME: 'renderInvoicePdf' });
  await ensureTable(process.env.TABLE_NAME!, process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureBucket(process.env.BUCKET_NAME!, process.env.AWS_ENDPOINT_URL_S3!);
});

afterAll(async () => {
  await stopLambda?.();
});
