import { publishEvents } from '../aws/events';
import { config } from '../config';
import { loadBackupJob, markBackupFailed } from '../db/backups';
import { entitiesOf } from '../db/service';
import { Project } from '../db/entities/project';
import { User } from '../db/entities/user';
import { backupFailedEmail } from '../email/backup';
import { logger } from '../logger';
import { backupLink } from './links';
import { emailRequestedEvent } from '../../events/contracts';

const readers = /* @__PURE__ */ entitiesOf({ Project, User });

/**
 * A backup job that cannot end any other way fails with `reason` (unless it has already ended),
 * and its requester is emailed the reason the job holds. Idempotent: the email's id is the job's,
 * so a retry (or a second path reaching the same end) sends one email.
 */
export async function failBackupJob(job: { projectId: string; jobId: string }, reason: string, now: Date): Promise<{ marked: boolean; status?: string }> {
  const marked = await markBackupFailed(job, reason, now);
  const current = await loadBackupJob(job.projectId, job.jobId, { consistent: true });
  if (current?.status !== 'failed') return { marked, status: current?.status };

  const [{ data: project }, { data: requester }] = await Promise.all([
    readers().Project.get({ projectId: job.projectId }).go(),
    readers().User.get({ userId: current.requestedBy }).go(),
  ]);
  if (!project || !requester?.email) {
    logger.warn('Backup failed; no email sent (no project or requester email)', { ...job });
    return { marked, status: current.status };
  }
  const email = backupFailedEmail({
    projectName: project.name,
    projectNumber: project.number,
    reason: current.error ?? reason,
    link: backupLink(config.frontendBaseUrl, job.projectId, job.jobId),
  });
  await publishEvents(emailRequestedEvent, [{ emailId: `invoice-backup-failed-${job.jobId}`, to: [requester.email], ...email }]);
  return { marked, status: current.status };
}
