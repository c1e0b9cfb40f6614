/** The vocabulary of invoice backup jobs (docs/domain.md "Backups"). */
export const backupJobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BackupJobStatus = (typeof backupJobStatuses)[number];

/**
 * How long a queued or running job may go without progress before its workflow is asked whether
 * it is still running: a part merges in well under this, so silence this long means trouble.
 */
export const backupSilenceBeforeCheckMs = 5 * 60 * 1000;

/** Whether a job's workflow should be checked on (it has not ended and has been silent too long). */
export function backupNeedsWorkflowCheck(job: { status: BackupJobStatus; updatedAt: string }, now: Date): boolean {
  return (job.status === 'queued' || job.status === 'running') && now.getTime() - Date.parse(job.updatedAt) >= backupSilenceBeforeCheckMs;
}

/**
 * Why a job whose workflow is no longer running fails (undefined while it runs). A workflow that
 * succeeded recorded its job's success before ending, so a job still open behind it failed too.
 */
export function endedWorkflowReason(status: string | undefined): string | undefined {
  switch (status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return undefined;
    case undefined:
      return 'The backup workflow is gone (it never started or its record was lost)';
    case 'TIMED_OUT':
      return 'The backup did not finish in the time it is allowed, so it was stopped';
    case 'ABORTED':
      return 'The backup was stopped before it finished';
    default:
      return `The backup workflow ended (${status}) without finishing the job`;
  }
}
