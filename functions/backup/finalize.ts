import * as z from 'zod';
import { backupWarningSchema, getJson, InvalidInputError, parseEvent, TransientError } from '../../shared/backup/task-io';
import { backupLink } from '../../shared/backup/links';
import { publishEvents } from '../../shared/aws/events';
import { config } from '../../shared/config';
import { loadBackupJob, markBackupSucceeded } from '../../shared/db/backups';
import { db } from '../../shared/db/service';
import { backupReadyEmail } from '../../shared/email/backup';
import { logger } from '../../shared/logger';

/**
 * Backup workflow, `Finalize`: the job succeeds with what Combine wrote (pages, size, the first
 * warnings and their count; all stay in S3), and the requester is emailed a link to it. The link opens the job in the app, which fetches a
 * fresh presigned download URL: a URL presigned here would die with this function's temporary
 * credentials long before the 7 days a presigned URL may otherwise last.
 */
const inputSchema = z.object({
  projectId: z.string().min(1),
  jobId: z.string().min(1),
  outputKey: z.string().min(1),
  pages: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  warningsKey: z.string().min(1),
  warningCount: z.number().int().nonnegative(),
});

export const handler = async (event: unknown) => {
  const { projectId, jobId, outputKey, pages, bytes, warningsKey, warningCount } = parseEvent(inputSchema, event);
  const warnings = await getJson(warningsKey, z.array(backupWarningSchema));
  if (warnings.length !== warningCount) throw new InvalidInputError(`${warningsKey} holds ${warnings.length} warnings; Combine counted ${warningCount}`);
  const job = await loadBackupJob(projectId, jobId, { consistent: true });
  if (!job) throw new InvalidInputError(`Backup job ${jobId} of project ${projectId} does not exist`);
  if (job.outputKey !== outputKey) throw new InvalidInputError(`Combine wrote ${outputKey}, not the job's ${job.outputKey}`);
  // A retried Finalize finds the job succeeded already and only sends the (idempotent) email again.
  if (!(await markBackupSucceeded(job, { pages, bytes, warnings }, new Date()))) {
    const now = await loadBackupJob(projectId, jobId, { consistent: true });
    if (now?.status !== 'succeeded') throw new InvalidInputError(`Backup job ${jobId} is ${now?.status ?? 'gone'}; it cannot succeed`);
  }

  const [{ data: project }, { data: requester }] = await Promise.all([db().Project.get({ projectId }).go(), db().User.get({ userId: job.requestedBy }).go()]);
  if (project && requester?.email) {
    const email = backupReadyEmail({
      projectName: project.name,
      projectNumber: project.number,
      fileName: job.fileName,
      pages,
      warnings,
      warningCount,
      link: backupLink(config.frontendBaseUrl, projectId, jobId),
    });
    try {
      await publishEvents('email.requested', [{ emailId: `invoice-backup-${jobId}`, to: [requester.email], ...email }]);
    } catch (error) {
      // The job has succeeded; the workflow's Retry sends again (the email id makes it one email).
      throw new TransientError(`The backup email could not be published: ${(error as Error).message}`, { cause: error });
    }
  } else {
    logger.warn('Backup requester has no email address; none sent', { projectId, jobId, requestedBy: job.requestedBy });
  }
  logger.info('Backup succeeded', { projectId, jobId, pages, bytes, warnings: warnings.length });
  return { projectId, jobId, status: 'succeeded' as const, outputKey, pages, bytes, warningCount };
};
