/** The vocabulary of invoice backup jobs (DOMAIN.md "Compile invoice backups"). */
export const backupJobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BackupJobStatus = (typeof backupJobStatuses)[number];
