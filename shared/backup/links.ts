/** The job's page in the app: it fetches a fresh presigned download URL whenever it is opened. */
export function backupLink(frontendBaseUrl: string, projectId: string, jobId: string): string {
  return `${frontendBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/invoice-backups/${encodeURIComponent(jobId)}`;
}
