import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as executionEnded } from '../../functions/backup/execution-ended';
import { startLocalStepFunctions, type ExecutionStatusChange, type LocalStepFunctions } from '../../infra/local/step-functions';
import { stepFunctionsClient } from '../../shared/aws/step-functions';
import { db } from '../../shared/db/service';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { backupExecutionEndedRule } from '../../shared/wiring/event-rules';
import { startRecordingBus, type RecordedEvent } from '../support/event-recorder';

/**
 * A backup job always ends: an execution stopped, timed out, or left running by a killed local
 * stack ends the job failed with a reason, and the requester is emailed once — through Step
 * Functions' "Execution Status Change" event, which the ASL's Catch never sees.
 */

const run = randomUUID().slice(0, 8);
const projectId = `project-${run}`;
const userId = `user-${run}`;
const createdAt = new Date().toISOString();
let published: RecordedEvent[];
let stopBus: () => Promise<void>;

/** The event as the rule delivers it to backupExecutionEnded. */
const statusChangeEvent = (detail: ExecutionStatusChange) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': backupExecutionEndedRule.detailType,
  source: backupExecutionEndedRule.source,
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'ap-southeast-2',
  resources: [detail.executionArn],
  detail,
});
const deliver = async (detail: ExecutionStatusChange) => {
  if ((backupExecutionEndedRule.detail.status as readonly string[]).includes(detail.status)) await executionEnded(statusChangeEvent(detail));
};

async function seedJob(jobId: string) {
  await db()
    .BackupJob.create({
      projectId,
      jobId,
      status: 'queued',
      invoiceIds: [`invoice-${run}`],
      requestedBy: userId,
      progress: { done: 0, total: 1 },
      fileName: 'backup.pdf',
      outputKey: `backups/${jobId}/backup.pdf`,
      createdAt,
      updatedAt: createdAt,
      version: 1,
    })
    .go();
  return { projectId, jobId };
}

async function jobWhenEnded(jobId: string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { data } = await db().BackupJob.get({ projectId, jobId }).go({ consistent: true });
    if (data && data.status !== 'queued' && data.status !== 'running') return data;
    await sleep(50);
  }
  throw new Error(`Backup job ${jobId} did not end in 10 s`);
}

const failureEmails = (jobId: string) => published.filter((e) => e.detailType === 'email.requested' && (e.detail as { emailId: string }).emailId === `invoice-backup-failed-${jobId}`);

beforeAll(async () => {
  const recording = await startRecordingBus();
  published = recording.published;
  stopBus = () => recording.bus.stop();
  await db().User.create({ userId, email: `requester-${run}@example.test`, name: 'Requester', companyId: `company-${run}`, createdAt }).go();
  await db()
    .Project.create({ ...defaultProjectSettings('en-US'), projectId, companyId: `company-${run}`, name: 'Harbour Tower', number: 'HT-1', timeZone: 'UTC', createdBy: userId, createdAt })
    .go();
});
afterAll(() => stopBus?.());

describe('a backup whose execution ends without succeeding', () => {
  let stepFunctions: LocalStepFunctions;
  beforeAll(async () => {
    stepFunctions = await startLocalStepFunctions({ onStatusChange: deliver, log: () => undefined });
    process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
  });
  afterAll(() => stepFunctions?.stop());

  it('fails the job with the cause StopExecution was given', async () => {
    const job = await seedJob(`job-stopped-cause-${run}`);
    const { executionArn } = await stepFunctionsClient().send(
      new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn, name: job.jobId, input: JSON.stringify(job) }),
    );
    await stepFunctionsClient().send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stopped for maintenance' }));

    expect(await jobWhenEnded(job.jobId)).toMatchObject({ status: 'failed', error: 'The backup was stopped before it finished: stopped for maintenance' });
    expect(await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped for maintenance' });
  });

  it('fails the job and emails the requester when the execution is stopped (StopExecution)', async () => {
    const job = await seedJob(`job-stopped-${run}`);
    const { executionArn } = await stepFunctionsClient().send(
      new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn, name: job.jobId, input: JSON.stringify(job) }),
    );
    await stepFunctionsClient().send(new StopExecutionCommand({ executionArn }));

    const ended = await jobWhenEnded(job.jobId);

    expect(ended).toMatchObject({ status: 'failed', error: 'The backup was stopped before it finished', finishedAt: expect.any(String) });
    expect(await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED' });
    await stepFunctions.stop(); // the status change has been handled once the run has settled
    expect(failureEmails(job.jobId)).toEqual([
      { detailType: 'email.requested', detail: expect.objectContaining({ to: [`requester-${run}@example.test`], subject: expect.stringContaining('failed'), text: expect.stringContaining('stopped before it finished') }) },
    ]);
  });

  it('keeps the reason MarkFailed wrote, emails it, and does nothing more when the event comes again', async () => {
    const job = await seedJob(`job-twice-${run}`);
    await db().BackupJob.patch(job).set({ status: 'failed', error: 'Invoice 7 was deleted after the backup was requested' }).go();
    const detail: ExecutionStatusChange = {
      executionArn: `arn:aws:states:ap-southeast-2:000000000000:execution:backup:${job.jobId}`,
      stateMachineArn: 'arn:aws:states:ap-southeast-2:000000000000:stateMachine:backup',
      name: job.jobId,
      status: 'FAILED',
      startDate: Date.now(),
      stopDate: Date.now(),
      input: JSON.stringify(job),
      output: null,
      error: 'BackupFailed',
      cause: 'Invoice 7 was deleted after the backup was requested',
    };

    const first = await executionEnded(statusChangeEvent(detail));
    const again = await executionEnded(statusChangeEvent(detail));

    expect([first, again]).toEqual([
      { marked: false, status: 'failed' },
      { marked: false, status: 'failed' },
    ]);
    const { data } = await db().BackupJob.get(job).go({ consistent: true });
    expect(data).toMatchObject({ status: 'failed', error: 'Invoice 7 was deleted after the backup was requested' });
    // One email id: the sender sends it once (functions/events/send-email.ts).
    expect(failureEmails(job.jobId).map((e) => (e.detail as { text: string }).text)).toEqual([
      expect.stringContaining('Invoice 7 was deleted'),
      expect.stringContaining('Invoice 7 was deleted'),
    ]);
  });

  it('times out into a failed job with the reason (TIMED_OUT)', async () => {
    const job = await seedJob(`job-timeout-${run}`);
    await executionEnded(statusChangeEvent({ ...baseDetail(job.jobId), status: 'TIMED_OUT', input: JSON.stringify(job), error: 'States.Timeout' }));
    expect(await jobWhenEnded(job.jobId)).toMatchObject({ status: 'failed', error: expect.stringContaining('did not finish in the time it is allowed') });
  });

  it('leaves a job that succeeded alone', async () => {
    const job = await seedJob(`job-done-${run}`);
    await db().BackupJob.patch(job).set({ status: 'succeeded' }).go();
    expect(await executionEnded(statusChangeEvent({ ...baseDetail(job.jobId), status: 'ABORTED', input: JSON.stringify(job) }))).toEqual({ marked: false, status: 'succeeded' });
    expect(failureEmails(job.jobId)).toEqual([]);
  });
});

describe('the local stack restarted after a kill', () => {
  it('ends an execution the killed run left running as ABORTED, failing its job and emailing the requester', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sfn-restart-'));
    try {
      const job = await seedJob(`job-killed-${run}`);
      await db().BackupJob.patch(job).set({ status: 'running', startedAt: createdAt }).go();
      // What the killed run had written: the execution, still running.
      const executionArn = `arn:aws:states:ap-southeast-2:000000000000:execution:backup-local:${job.jobId}`;
      await writeFile(
        path.join(dataDir, 'step-functions-executions.json'),
        JSON.stringify([{ executionArn, name: job.jobId, input: JSON.stringify(job), startDate: createdAt, status: 'RUNNING' }]),
      );

      const restarted = await startLocalStepFunctions({ dataDir, onStatusChange: deliver, log: () => undefined });
      try {
        // A client of its own: the product's is bound to the first server's endpoint.
        expect(await new SFNClient({ endpoint: restarted.endpoint }).send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', stopDate: expect.any(Date) });
        await restarted.recover();
      } finally {
        await restarted.stop();
      }

      expect(await jobWhenEnded(job.jobId)).toMatchObject({ status: 'failed', error: 'The backup was stopped before it finished: the service restarted while it ran; request it again' });
      expect(failureEmails(job.jobId)).toHaveLength(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function baseDetail(jobId: string): ExecutionStatusChange {
  return {
    executionArn: `arn:aws:states:ap-southeast-2:000000000000:execution:backup:${jobId}`,
    stateMachineArn: 'arn:aws:states:ap-southeast-2:000000000000:stateMachine:backup',
    name: jobId,
    status: 'FAILED',
    startDate: Date.now(),
    stopDate: Date.now(),
    input: '{}',
    output: null,
    error: null,
    cause: null,
  };
}
