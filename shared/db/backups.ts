import { entitiesOf } from './service';
import { isConditionalFailure } from './conditions';
import { writeTransactionOver } from './transaction';
import { outboxRecord, outboxWrite } from './outbox-record';
import type { BackupCompleted } from '../../events/contracts';
export type { BackupJobItem } from './entities/backup-job';
import { BackupJob, type BackupJobItem } from './entities/backup-job';
import { Outbox } from './entities/outbox';
import type { ProjectItem } from './entities/project';
import { termsFor, type Region } from '../domain/terminology';
import { backupWarningsPerPage, type BackupWarning } from '../domain/backups';
import { backupCompletedEvent } from '../../events/contracts';

/** The entities backup jobs are read and written with (a job and the outbox record that starts or ends its work). */
export const backupEntities = /* @__PURE__ */ entitiesOf({ BackupJob, Outbox });

/** The backup's name in the project's terminology: "Progress Claim backup" in en-AU, "Invoice backup" in en-US. */
export const backupTitle = (region: Region) => `${termsFor(region).invoice} backup`;

/** One backup job of a project, or undefined. */
export async function loadBackupJob(projectId: string, jobId: string, options: { consistent?: boolean } = {}): Promise<BackupJobItem | undefined> {
  const { data } = await backupEntities().BackupJob.get({ projectId, jobId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// Names

/** The date ("2026-11-21") and time ("14.05") of an instant on the project's clock. */
export function localDateTime(instant: Date, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}.${parts.minute}` };
}

/** A name's characters that no common file system accepts (and control characters) become "-"; runs of spaces one. */
export const fileNameSafe = (value: string) =>
  value
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim();

/** "{backup title} - {project name} - {project number} - {date} - {time}.pdf", on the project's clock. */
export function backupFileName(project: Pick<ProjectItem, 'name' | 'number' | 'timeZone' | 'region'>, at: Date): string {
  const { date, time } = localDateTime(at, project.timeZone);
  // Keeps the whole name under the 255 bytes most file systems allow.
  const name = fileNameSafe(project.name).slice(0, 120);
  const number = fileNameSafe(project.number).slice(0, 40);
  return `${backupTitle(project.region)} - ${name} - ${number} - ${date} - ${time}.pdf`;
}

/** Where the workflow writes the job's files: the parts, then the PDF under its file name (backups/ expire after 30 days). */
export const backupPrefix = (jobId: string) => `backups/${jobId}/`;
export const backupOutputKey = (jobId: string, fileName: string) => `${backupPrefix(jobId)}${fileName}`;
export const backupPartKey = (jobId: string, index: number) => `${backupPrefix(jobId)}parts/${String(index + 1).padStart(4, '0')}.pdf`;
/** Where Prepare describes every part of a backup merged in one task (MergeVolume reads it). */
export const backupPartsManifestKey = (jobId: string) => `${backupPrefix(jobId)}parts/manifest.json`;

// ---------------------------------------------------------------------------------------------
// The workflow's updates: each conditioned on the status it moves from, so a retried task is a no-op.

/** queued → running (Prepare); a retried Prepare finds it running already. */
export async function markBackupRunning(job: Pick<BackupJobItem, 'projectId' | 'jobId'>, now: Date, parts?: number): Promise<boolean> {
  try {
    await backupEntities()
      .BackupJob.patch({ projectId: job.projectId, jobId: job.jobId })
      // `parts`: the total once the parts are known (nothing is merged before the job runs).
      .set({ status: 'running', startedAt: now.toISOString(), updatedAt: now.toISOString(), ...(parts !== undefined && { progress: { done: 0, total: parts } }) })
      .add({ version: 1 })
      .where((a, op) => op.eq(a.status, 'queued'))
      .go();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/** Counts one merged part, once however often it is reported (a set of the parts counted). */
export async function recordBackupProgress(job: Pick<BackupJobItem, 'projectId' | 'jobId'>, partKey: string, now: Date): Promise<boolean> {
  try {
    await backupEntities()
      .BackupJob.patch({ projectId: job.projectId, jobId: job.jobId })
      .add({ mergedParts: [partKey] })
      .data((a, op) => {
        op.add(a.progress.done, 1);
        op.set(a.updatedAt, now.toISOString());
      })
      .where((a, op) => `${op.eq(a.status, 'running')} AND ${op.notContains(a.mergedParts, partKey)}`)
      .go();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/**
 * A warning as the job item holds it. A job compiled before warnings named their invoice kept the
 * file name (`title`) and reason only: it is answered with those, the rest empty and page 0.
 */
export function storedBackupWarning(stored: NonNullable<BackupJobItem['warnings']>[number]): BackupWarning {
  return {
    commitmentNumber: stored.commitmentNumber ?? '',
    commitmentTitle: stored.commitmentTitle ?? '',
    invoiceId: stored.invoiceId ?? '',
    invoiceNumber: stored.invoiceNumber ?? '',
    attachmentId: stored.attachmentId ?? null,
    fileName: stored.fileName ?? stored.title ?? '',
    reason: stored.reason,
    page: stored.page ?? 0,
    volume: stored.volume ?? 1,
  };
}

/** One PDF of a backup: see the job's `volumes`. */
export type BackupVolume = NonNullable<BackupJobItem['volumes']>[number];

/** The job's PDFs, one per volume; a job finished before volumes has its one PDF. */
export function backupVolumes(job: BackupJobItem): BackupVolume[] {
  return job.volumes?.length ? job.volumes : [{ volume: 1, fileName: job.fileName, outputKey: job.outputKey, pages: job.pages ?? 0, bytes: job.bytes ?? 0 }];
}

/**
 * running → succeeded, with what Combine wrote: the first warnings on the item, and their count. False when the job had already left running.
 * Given the job's `progress`, every part counts as merged: the volume route merges them all in one task, which no RecordProgress follows.
 */
export async function markBackupSucceeded(
  job: Pick<BackupJobItem, 'projectId' | 'jobId'> & Partial<Pick<BackupJobItem, 'progress'>>,
  result: { pages: number; bytes: number; warnings: BackupWarning[]; volumes?: BackupVolume[] },
  now: Date,
): Promise<boolean> {
  const completed = completedRecord(job, { status: 'succeeded', pages: result.pages, bytes: result.bytes, warningCount: result.warnings.length, error: null }, now);
  const outcome = await writeTransactionOver(backupEntities, (entities) => ({
    job: entities.BackupJob.patch({ projectId: job.projectId, jobId: job.jobId })
      .set({
        status: 'succeeded',
        pages: result.pages,
        bytes: result.bytes,
        ...(result.volumes && { volumes: result.volumes }),
        ...(job.progress && { progress: { done: job.progress.total, total: job.progress.total } }),
        // DynamoDB stores no nulls in a map: the invoice's own PDF has no attachment id.
        warnings: result.warnings.slice(0, backupWarningsPerPage).map(({ attachmentId, ...warning }) => ({ ...warning, ...(attachmentId !== null && { attachmentId }) })),
        warningCount: result.warnings.length,
        finishedAt: now.toISOString(),
        updatedAt: now.toISOString(),
      })
      .add({ version: 1 })
      .where((a, op) => op.eq(a.status, 'running'))
      .commit(),
    outbox: outboxWrite(entities, completed),
  }));
  if (outcome.canceled && !outcome.failed.includes('job')) throw new Error(`backup job ${job.jobId}: its final write kept conflicting; retry`);
  return !outcome.canceled;
}

/**
 * The `backup.completed` domain event (webhooks), written with the job's final status: a job ends
 * once, so a retried Finalize or MarkFailed meets the status condition and emits nothing more.
 * The table stream (or the sweeper) dispatches it.
 */
const completedRecord = (job: Pick<BackupJobItem, 'projectId' | 'jobId'>, end: Omit<BackupCompleted, 'projectId' | 'jobId' | 'occurredAt'>, now: Date) =>
  outboxRecord(backupCompletedEvent, { projectId: job.projectId, jobId: job.jobId, ...end, occurredAt: now.toISOString() }, now);

/** queued or running → failed, with the reason. A job that succeeded stays succeeded. */
export async function markBackupFailed(job: Pick<BackupJobItem, 'projectId' | 'jobId'>, reason: string, now: Date): Promise<boolean> {
  const completed = completedRecord(job, { status: 'failed', pages: null, bytes: null, warningCount: null, error: reason }, now);
  const outcome = await writeTransactionOver(backupEntities, (entities) => ({
    job: entities.BackupJob.patch({ projectId: job.projectId, jobId: job.jobId })
      .set({ status: 'failed', error: reason, finishedAt: now.toISOString(), updatedAt: now.toISOString() })
      .add({ version: 1 })
      .where((a, op) => `${op.eq(a.status, 'queued')} OR ${op.eq(a.status, 'running')}`)
      .commit(),
    outbox: outboxWrite(entities, completed),
  }));
  if (outcome.canceled && !outcome.failed.includes('job')) throw new Error(`backup job ${job.jobId}: its final write kept conflicting; retry`);
  return !outcome.canceled;
}
