/** The vocabulary of invoice backup jobs (docs/domain.md "Backups"). */
export const backupJobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BackupJobStatus = (typeof backupJobStatuses)[number];
