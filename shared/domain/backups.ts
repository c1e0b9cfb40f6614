/** The vocabulary of invoice backup jobs (docs/domain.md "Backups"). */
export const backupJobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BackupJobStatus = (typeof backupJobStatuses)[number];

/**
 * A file left out of a backup, told apart from every other (two invoices may each carry a
 * "Statutory declaration.pdf"): its commitment, invoice and attachment, and the page of the
 * backup PDF that stands in for it.
 */
export interface BackupWarning {
  commitmentNumber: string;
  commitmentTitle: string;
  invoiceId: string;
  invoiceNumber: string;
  /** Null for the invoice's own PDF (e.g. its e-signed copy gone from storage). */
  attachmentId: string | null;
  fileName: string;
  reason: string;
  /** 1-based page of the placeholder in the backup PDF (in its volume's, when there are several). */
  page: number;
  /** The volume (1-based) whose PDF holds the placeholder: 1 unless the backup was split. */
  volume: number;
}

/** Warnings kept on the job item (all of them are in S3): a job answers them a page at a time. */
export const backupWarningsPerPage = 100;

/** One line per warning, as the email and logs word it; the volume is named when the backup has several. */
export function describeBackupWarning(warning: BackupWarning, volumes = 1): string {
  const file = warning.attachmentId ? `"${warning.fileName}" (attachment ${warning.attachmentId})` : `"${warning.fileName}" (the invoice's own PDF)`;
  const where = volumes > 1 ? `volume ${warning.volume}, page ${warning.page}` : `page ${warning.page}`;
  return `${warning.commitmentNumber} ${warning.commitmentTitle}, invoice ${warning.invoiceNumber}: ${file}, ${where} — ${warning.reason}`;
}

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
