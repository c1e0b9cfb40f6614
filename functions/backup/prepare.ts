import * as z from 'zod';
import { InvalidInputError, parseEvent } from '../../shared/backup/task-io';
import { backupPartKey, backupTitle, localDateTime, loadBackupJob, markBackupRunning } from '../../shared/db/backups';
import { batchGetAll, db } from '../../shared/db/service';
import { termsFor } from '../../shared/domain/terminology';
import { logger } from '../../shared/logger';

/**
 * Backup workflow, `Prepare`: the job starts running; its invoices are put in the backup's order
 * (commitment number, then invoice position) as one item per part — ids and keys only, the
 * part's title is PreparePart's — and the cover is written. What each part holds is found per invoice, inside the Map (PreparePart), so the
 * state stays small however many files the invoices carry.
 */

const inputSchema = z.object({ projectId: z.string().min(1), jobId: z.string().min(1) });

export interface PreparedPart {
  invoiceId: string;
  partKey: string;
}

export interface PreparedBackup {
  outputKey: string;
  cover: { title: string; lines: string[]; subject: string; createdAt: string };
  parts: PreparedPart[];
}

/** "SC-2" before "SC-10". */
const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

export const handler = async (event: unknown): Promise<PreparedBackup> => {
  const { projectId, jobId } = parseEvent(inputSchema, event);
  const now = new Date();
  const job = await loadBackupJob(projectId, jobId, { consistent: true });
  if (!job) throw new InvalidInputError(`Backup job ${jobId} of project ${projectId} does not exist`);
  if (job.status === 'succeeded' || job.status === 'failed') throw new InvalidInputError(`Backup job ${jobId} has already ${job.status}`);

  const { Project, Invoice, Commitment } = db();
  const [{ data: project }, invoices] = await Promise.all([
    Project.get({ projectId }).go(),
    batchGetAll(job.invoiceIds.map((invoiceId) => ({ projectId, invoiceId })), (keys) => Invoice.get(keys).go()),
  ]);
  if (!project) throw new InvalidInputError(`Project ${projectId} does not exist`);
  const found = new Set(invoices.map((invoice) => invoice.invoiceId));
  const gone = job.invoiceIds.filter((invoiceId) => !found.has(invoiceId));
  if (gone.length) throw new InvalidInputError(`These invoices were deleted after the backup was requested: ${gone.join(', ')}`);

  const commitmentIds = [...new Set(invoices.map((invoice) => invoice.commitmentId))];
  const commitments = new Map(
    (await batchGetAll(commitmentIds.map((commitmentId) => ({ projectId, commitmentId })), (keys) => Commitment.get(keys).go())).map((c) => [c.commitmentId, c]),
  );
  const missing = commitmentIds.filter((id) => !commitments.has(id));
  if (missing.length) throw new InvalidInputError(`These commitments no longer exist: ${missing.join(', ')}`);

  const ordered = invoices
    .map((invoice) => ({ invoice, commitment: commitments.get(invoice.commitmentId)! }))
    .sort((a, b) => byNumber(a.commitment.number, b.commitment.number) || a.invoice.position - b.invoice.position);
  const terms = termsFor(project.region);
  const parts = ordered.map(({ invoice }, index) => ({ invoiceId: invoice.invoiceId, partKey: backupPartKey(jobId, index) }));

  await markBackupRunning(job, now);
  const { date, time } = localDateTime(new Date(job.createdAt), project.timeZone);
  const cover = {
    title: backupTitle(project.region),
    lines: [
      `${project.name} (${project.number})`,
      `Compiled ${date} at ${time.replace('.', ':')} (${project.timeZone})`,
      `${parts.length} ${parts.length === 1 ? terms.invoice.toLowerCase() : `${terms.invoice.toLowerCase()}s`}`,
    ],
    subject: `${project.name} (${project.number}): ${parts.length} ${terms.invoice.toLowerCase()}${parts.length === 1 ? '' : 's'} with their files`,
    createdAt: job.createdAt,
  };
  logger.info('Backup prepared', { projectId, jobId, parts: parts.length });
  return { outputKey: job.outputKey, cover, parts };
};
