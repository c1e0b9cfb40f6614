import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDefinitionFile,
  runLocalWorkflow,
  startLocalStepFunctions,
  taskFunctions,
  type LocalStepFunctions,
} from '../../infra/local/step-functions';
import { s3Client, stepFunctionsClient } from '../../shared/aws/clients';
import { describePages, encryptedPdf, labelledPdf, truncatedPdf } from '../support/pdf-fixtures';

/** Two parts, five sources: one encrypted, one corrupt and one that was never uploaded. */
function backupRequest(jobId: string) {
  return {
    outputKey: `backups/${jobId}.pdf`,
    parts: [
      {
        partKey: `backups/${jobId}/parts/0001.pdf`,
        title: 'Invoice 1',
        sources: [
          { key: 'uploads/invoice-1.pdf', title: 'Invoice 1.pdf' },
          { key: 'uploads/locked.pdf', title: 'Locked statement.pdf' },
        ],
      },
      {
        partKey: `backups/${jobId}/parts/0002.pdf`,
        title: 'Invoice 2',
        sources: [
          { key: 'uploads/invoice-2.pdf', title: 'Invoice 2.pdf' },
          { key: 'uploads/broken.pdf', title: 'Broken upload.pdf' },
          { key: 'uploads/never-uploaded.pdf', title: 'Never uploaded.pdf' },
        ],
      },
    ],
  };
}

const expectedWarnings = [
  { title: 'Locked statement.pdf', reason: expect.stringContaining('password-protected') },
  { title: 'Broken upload.pdf', reason: expect.stringContaining('damaged') },
  { title: 'Never uploaded.pdf', reason: 'the file was not found in storage' },
];

/** Part 1: 2 pages + a placeholder; part 2: 3 pages + 2 placeholders. */
const expectedPages = [
  'Invoice 1 page 1',
  'Invoice 1 page 2',
  expect.stringContaining('"Locked statement.pdf" was left out'),
  'Invoice 2 page 1',
  'Invoice 2 page 2',
  'Invoice 2 page 3',
  expect.stringContaining('"Broken upload.pdf" was left out'),
  expect.stringContaining('"Never uploaded.pdf" was left out'),
];

async function readPdf(key: string) {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
  return { contentType: object.ContentType, bytes: await object.Body!.transformToByteArray() };
}

beforeAll(async () => {
  const uploads: Record<string, Uint8Array> = {
    'uploads/invoice-1.pdf': await labelledPdf('Invoice 1', 2),
    'uploads/locked.pdf': await encryptedPdf(),
    'uploads/invoice-2.pdf': await labelledPdf('Invoice 2', 3),
    'uploads/broken.pdf': await truncatedPdf(),
  };
  for (const [key, body] of Object.entries(uploads)) {
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key, Body: body, ContentType: 'application/pdf' }));
  }
});

describe('the backup workflow, run locally from shared/wiring/backup.asl.json', () => {
  it('maps each Task state, inside the Map too, to the function its Resource placeholder names', () => {
    const definition = JSON.parse(readFileSync(backupDefinitionFile, 'utf8'));
    expect(taskFunctions(definition)).toEqual({ MergePart: 'backupMergePart', Combine: 'backupCombine' });
  });

  it('refuses a Task whose Resource names no declared function, even inside a Parallel branch', () => {
    const definition = {
      States: {
        Both: {
          Type: 'Parallel' as const,
          Branches: [{ StartAt: 'Render', States: { Render: { Type: 'Task' as const, Resource: '${renderFunctionArn}', End: true as const } } }],
          End: true as const,
        },
      },
    };
    expect(() => taskFunctions(definition)).toThrow(/Task state "Render" has Resource "\$\{renderFunctionArn\}", which names no function/);
  });

  it('merges each part from S3, combines the parts in order into the output object and reports what was left out', async () => {
    const request = backupRequest('job-direct');

    const result = await runLocalWorkflow(request);

    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { outputKey: request.outputKey, pages: 8, bytes: expect.any(Number), warnings: expectedWarnings },
    });
    const output = await readPdf(request.outputKey);
    expect(output.contentType).toBe('application/pdf');
    expect(result).toMatchObject({ output: { bytes: output.bytes.byteLength } });
    expect((await describePages(output.bytes)).map((page) => page.text)).toEqual(expectedPages);
    expect(await describePages((await readPdf(request.parts[1]!.partKey)).bytes)).toHaveLength(5);
  });
});

describe('the local Step Functions server, driven by the SDK client the product uses', () => {
  let stepFunctions: LocalStepFunctions;

  beforeAll(async () => {
    stepFunctions = await startLocalStepFunctions();
    process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  });
  afterAll(() => stepFunctions?.stop());

  const start = (name: string, input: unknown) =>
    stepFunctionsClient().send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn, name, input: JSON.stringify(input) }));

  async function waitForEnd(executionArn: string) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const execution = await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== 'RUNNING') return execution;
      await sleep(100);
    }
    throw new Error(`${executionArn} was still running after 20 s`);
  }

  it('starts an execution at once, runs it in the background and describes its output when it succeeds', async () => {
    const request = backupRequest('job-sdk');

    // Like AWS: starting the same name with the same input while it runs is the same execution.
    const [first, again] = await Promise.all([start('job-sdk', request), start('job-sdk', request)]);
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    const execution = await waitForEnd(first.executionArn!);

    expect(execution).toMatchObject({ status: 'SUCCEEDED', name: 'job-sdk', stateMachineArn: stepFunctions.stateMachineArn, input: JSON.stringify(request) });
    expect(JSON.parse(execution.output!)).toEqual({ outputKey: request.outputKey, pages: 8, bytes: expect.any(Number), warnings: expectedWarnings });
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    expect((await describePages((await readPdf(request.outputKey)).bytes)).map((page) => page.text)).toEqual(expectedPages);
    // Once it has ended, the name is taken.
    await expect(start('job-sdk', request)).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it.each([
    { when: 'Combine refuses a backup without parts', input: { outputKey: 'backups/empty.pdf', parts: [] }, cause: /Invalid input:[\s\S]*parts/ },
    {
      when: 'MergePart refuses a part without sources',
      input: { outputKey: 'backups/no-sources.pdf', parts: [{ partKey: 'backups/no-sources/parts/0001.pdf', title: 'Invoice 3' }] },
      cause: /Invalid input:[\s\S]*sources/,
    },
  ])('fails through the BackupFailed state when $when', async ({ input, cause }) => {
    const { executionArn } = await start(`failing-${input.outputKey.replace(/\W/g, '-')}`, input);

    const execution = await waitForEnd(executionArn!);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'BackupFailed', cause: expect.stringMatching(cause) });
    expect(execution.output).toBeUndefined();
  });

  it('answers unknown executions and operations with the errors of the JSON protocol', async () => {
    await expect(
      stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn: `${stepFunctions.stateMachineArn.replace(':stateMachine:', ':execution:')}:nope` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);

    const response = await fetch(stepFunctions.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('ListExecutions') });
  });
});
