import * as z from '../../shared/zod';
import { backupWarningSchema, backupWarningsKey, getJson, InvalidInputError, parseEvent, putJson, TransientError } from '../../shared/backup/task-io';
import { backupLink } from '../../shared/backup/links';
import { volumeName } from '../../shared/backup/volumes';
import { publishEvents } from '../../shared/aws/events';
import { config } from '../../shared/config';
import { loadBackupJob, markBackupSucceeded, type BackupVolume } from '../../shared/db/backups';
import { entitiesOf } from '../../shared/db/service';
import { Project } from '../../shared/db/entities/project';
import { User } from '../../shared/db/entities/user';
import type { BackupWarning } from '../../shared/domain/backups';
import { backupReadyEmail } from '../../shared/email/backup';
import { logger } from '../../shared/logger';
import { emailRequestedEvent } from '../../events/contracts';

const readers = /* @__PURE__ */ entitiesOf({ Project, User });

/**
 * Backup workflow, `Finalize`: the job succeeds with what the Combine tasks wrote (its volumes'
 * pages and sizes, the first warnings and their count; all stay in S3), and the requester is
 * emailed a link to it. The link opens the job in the app, which fetches fresh presigned download
 * URLs: a URL presigned here would die with this function's temporary credentials long before the
 * 7 days a presigned URL may otherwise last. A backup of several volumes also gets the list of
 * every volume's warnings in one, where the job's answer pages through them.
 */
const inputSchema = z.object({
  projectId: z.string().check(z.minLength(1)),
  jobId: z.string().check(z.minLength(1)),
  /** One per volume, in order (the CombineVolumes Map's answers). */
  volumes: z
    .array(
      z.object({
        volume: z.number().check(z.int(), z.positive()),
        pages: z.number().check(z.int(), z.nonnegative()),
        bytes: z.number().check(z.int(), z.nonnegative()),
        warningCount: z.number().check(z.int(), z.nonnegative()),
      }),
    )
    .check(z.minLength(1)),
});

export const handler = async (event: unknown) => {
  const { projectId, jobId, volumes: combined } = parseEvent(inputSchema, event);
  const job = await loadBackupJob(projectId, jobId, { consistent: true });
  if (!job) throw new InvalidInputError(`Backup job ${jobId} of project ${projectId} does not exist`);
  const of = combined.length;
  combined.forEach((volume, index) => {
    if (volume.volume !== index + 1) throw new InvalidInputError(`Volume ${index + 1} of ${of} is missing: Combine answered volume ${volume.volume} in its place`);
  });

  const volumes: BackupVolume[] = combined.map(({ volume, pages, bytes }) => ({
    volume,
    fileName: volumeName(job.fileName, volume, of),
    outputKey: volumeName(job.outputKey, volume, of),
    pages,
    bytes,
  }));
  const warnings: BackupWarning[] = [];
  for (const [index, volume] of volumes.entries()) {
    const written = await getJson(backupWarningsKey(volume.outputKey), z.array(backupWarningSchema));
    if (written.length !== combined[index]!.warningCount) throw new InvalidInputError(`${backupWarningsKey(volume.outputKey)} holds ${written.length} warnings; Combine counted ${combined[index]!.warningCount}`);
    warnings.push(...written);
  }
  // The job pages through one list: a single volume's is that list already.
  if (of > 1) await putJson(backupWarningsKey(job.outputKey), warnings);
  const pages = volumes.reduce((sum, volume) => sum + volume.pages, 0);
  const bytes = volumes.reduce((sum, volume) => sum + volume.bytes, 0);

  // A retried Finalize finds the job succeeded already and only sends the (idempotent) email again.
  if (!(await markBackupSucceeded(job, { pages, bytes, warnings, volumes }, new Date()))) {
    const now = await loadBackupJob(projectId, jobId, { consistent: true });
    if (now?.status !== 'succeeded') throw new InvalidInputError(`Backup job ${jobId} is ${now?.status ?? 'gone'}; it cannot succeed`);
  }

  const [{ data: project }, { data: requester }] = await Promise.all([readers().Project.get({ projectId }).go(), readers().User.get({ userId: job.requestedBy }).go()]);
  if (project && requester?.email) {
    const email = backupReadyEmail({
      projectName: project.name,
      projectNumber: project.number,
      fileName: job.fileName,
      pages,
      volumes,
      warnings,
      warningCount: warnings.length,
      link: backupLink(config.frontendBaseUrl, projectId, jobId),
    });
    try {
      await publishEvents(emailRequestedEvent, [{ emailId: `invoice-backup-${jobId}`, to: [requester.email], ...email }]);
    } catch (error) {
      // The job has succeeded; the workflow's Retry sends again (the email id makes it one email).
      throw new TransientError(`The backup email could not be published: ${(error as Error).message}`, { cause: error });
    }
  } else {
    logger.warn('Backup requester has no email address; none sent', { projectId, jobId, requestedBy: job.requestedBy });
  }
  logger.info('Backup succeeded', { projectId, jobId, pages, bytes, volumes: of, warnings: warnings.length });
  return { projectId, jobId, status: 'succeeded' as const, outputKey: job.outputKey, pages, bytes, volumes: of, warningCount: warnings.length };
};
