import * as z from '../../../shared/zod';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../../../shared/aws/s3';
import { stepFunctionsClient } from '../../../shared/aws/step-functions';
import { config } from '../../../shared/config';
import { logger } from '../../../shared/logger';
import { problems } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { backupNeedsWorkflowCheck, endedWorkflowReason } from '../../../shared/domain/backups';
import { failBackupJob } from '../../../shared/backup/fail-job';
import { backupExecutionArn } from '../../../shared/backup/start-workflow';
import { backupVolumes, loadBackupJob, storedBackupWarning, type BackupJobItem } from '../../../shared/db/backups';
import { backupWarningSchema, backupWarningsKey, getObject } from '../../../shared/backup/task-io';
import { backupWarningsPerPage, type BackupWarning } from '../../../shared/domain/backups';
import { decodeOffsetCursor, encodeOffsetCursor } from '../../../shared/http/cursor';
import { contentDisposition } from '../../../shared/storage/keys';
import { backupDownloadSeconds } from '../../../shared/api/backups';
import type { BackupJobResponse } from '../../../shared/api/backups.docs';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { invoicesCompileBackups } from '../../../shared/domain/permission-rules';

/** A backup job as the API answers it: status, progress, its volumes' downloads, a page of warnings. */
export const jobLocation = (projectId: string, jobId: string) => `/v1/projects/${encodeURIComponent(projectId)}/invoice-backups/${encodeURIComponent(jobId)}`;

/**
 * One page of the job's warnings from `warningsCursor` on. The first page is the job item's own
 * (it keeps the first `backupWarningsPerPage`); later pages come from the list Combine wrote to S3.
 */
async function warningsPage(job: BackupJobItem, cursor: string | undefined): Promise<{ warnings: BackupWarning[]; warningCount: number; warningsCursor: string | null }> {
  const scope = `backup-warnings:${job.projectId}:${job.jobId}`;
  const offset = decodeOffsetCursor(scope, cursor, 'warningsCursor');
  const stored = (job.warnings ?? []).map(storedBackupWarning);
  const warningCount = job.warningCount ?? stored.length;
  let warnings = stored.slice(0, backupWarningsPerPage);
  if (offset > 0) {
    const object = await getObject(backupWarningsKey(job.outputKey));
    // The list expires with the PDF (backups/ is kept 30 days).
    if (!object) throw problems.notFound('This backup’s warnings are no longer kept; the job’s first warnings still are (ask without `warningsCursor`).');
    const all = z.array(backupWarningSchema).parse(JSON.parse(Buffer.from(object.bytes).toString('utf8')));
    warnings = all.slice(offset, offset + backupWarningsPerPage);
  }
  const next = offset + warnings.length;
  return { warnings, warningCount, warningsCursor: next < warningCount && warnings.length > 0 ? encodeOffsetCursor(scope, next) : null };
}

/** A presigned GET of one PDF of the job, downloading it under its file name. */
async function presignedDownload(outputKey: string, fileName: string): Promise<{ url: string; expiresAt: string }> {
  return {
    url: await getSignedUrl(
      s3Client(),
      new GetObjectCommand({
        Bucket: config.bucketName,
        Key: outputKey,
        ResponseContentDisposition: contentDisposition('attachment', fileName),
        ResponseContentType: 'application/pdf',
      }),
      { expiresIn: backupDownloadSeconds },
    ),
    expiresAt: new Date(Date.now() + backupDownloadSeconds * 1000).toISOString(),
  };
}

async function toBackupJobResponse(job: BackupJobItem, warningsCursor?: string): Promise<BackupJobResponse> {
  const volumes =
    job.status === 'succeeded'
      ? await Promise.all(
          backupVolumes(job).map(async ({ volume, fileName, outputKey, pages, bytes }) => ({ volume, fileName, pages, bytes, download: await presignedDownload(outputKey, fileName) })),
        )
      : [];
  // The first volume's (the backup's, unless it was split): `volumes` has every one.
  const download = volumes[0]?.download ?? null;
  return {
    projectId: job.projectId,
    jobId: job.jobId,
    status: job.status,
    invoiceIds: job.invoiceIds,
    progress: { done: job.progress.done, total: job.progress.total },
    ...(await warningsPage(job, warningsCursor)),
    fileName: job.fileName,
    pages: job.pages ?? null,
    bytes: job.bytes ?? null,
    download,
    volumes,
    error: job.error ?? null,
    requestedBy: job.requestedBy,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
  };
}

/**
 * A job silent for long is checked against its execution: one that is no longer running (its
 * end event lost, or never sent) fails the job now, with the email. The job as it now is.
 */
async function endIfWorkflowEnded(job: BackupJobItem): Promise<BackupJobItem | undefined> {
  const executionArn = job.executionArn ?? backupExecutionArn(job.jobId);
  let status: string | undefined;
  try {
    status = (await stepFunctionsClient().send(new DescribeExecutionCommand({ executionArn }))).status;
  } catch (error) {
    if (!(error instanceof ExecutionDoesNotExist)) {
      // The answer stays the job as stored: a read does not fail because the check could not run.
      logger.warn('Backup workflow check failed', { projectId: job.projectId, jobId: job.jobId, error: error as Error });
      return undefined;
    }
  }
  const reason = endedWorkflowReason(status);
  if (!reason) return undefined;
  try {
    await failBackupJob(job, reason, new Date());
  } catch (error) {
    // Marked failed already unless the database failed; the email is the part that may be missed.
    logger.error('Backup job with an ended workflow not fully failed', { projectId: job.projectId, jobId: job.jobId, error: error as Error });
  }
  return loadBackupJob(job.projectId, job.jobId, { consistent: true });
}

/** The job's status; a job silent for long is checked against its workflow first. */
export async function getBackup({ path, query, caller }: HttpInput<'getBackup'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(invoicesCompileBackups, member);
  let job = await loadBackupJob(path.projectId, path.jobId);
  if (!job) throw problems.notFound('No such backup job.');
  if (backupNeedsWorkflowCheck(job, new Date())) job = (await endIfWorkflowEnded(job)) ?? job;
  return { body: await toBackupJobResponse(job, query.warningsCursor) };
}
