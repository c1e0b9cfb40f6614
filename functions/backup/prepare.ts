import * as z from '../../shared/zod';
import { InvalidInputError, parseEvent, putJson } from '../../shared/backup/task-io';
import { backupPartKey, backupPartsManifestKey, backupTitle, localDateTime, loadBackupJob, markBackupRunning } from '../../shared/db/backups';
import { db } from '../../shared/db/service';
import { backupOrder, type BackupEntry } from '../../shared/backup/order';
import { backupRoute, invoicePdfEstimateBytes, type BackupRoute } from '../../shared/backup/route';
import { config } from '../../shared/config';
import { mapLimited } from '../../shared/map-limited';
import { termsFor } from '../../shared/domain/terminology';
import { logger } from '../../shared/logger';
import { preparePart } from './prepare-part';

/**
 * Backup workflow, `Prepare`: the job starts running; its invoices are put in the backup's order
 * (shared/backup/order.ts: each owner invoice followed by the subcontractor invoices it includes,
 * by cost code; the others by commitment number, then invoice position) as one item per part — ids and keys only, the
 * part's title is PreparePart's — and the cover is written. What each part holds is found per invoice, inside the Map (PreparePart), so the
 * state stays small however many files the invoices carry. The route (shared/backup/route.ts) is
 * decided here, from the sources' bytes as the database records them; in the volume route every
 * part is described here instead (as PreparePart does, 16 at a time) in the one manifest
 * MergeVolume reads — no Map runs, and the parts route's Map describes them again if MergeVolume
 * hands the backup over.
 */

const inputSchema = z.object({ projectId: z.string().check(z.minLength(1)), jobId: z.string().check(z.minLength(1)) });

export interface PreparedPart {
  invoiceId: string;
  partKey: string;
}

export interface PreparedBackup {
  outputKey: string;
  cover: { title: string; lines: string[]; subject: string; createdAt: string };
  parts: PreparedPart[];
  /** Which way the workflow merges it (its Choice state). */
  route: BackupRoute;
  /** The volume route's: where every part's description is (`backupPartsManifestKey`). */
  manifestKey?: string;
}

export const handler = async (event: unknown): Promise<PreparedBackup> => {
  const { projectId, jobId } = parseEvent(inputSchema, event);
  const now = new Date();
  const job = await loadBackupJob(projectId, jobId, { consistent: true });
  if (!job) throw new InvalidInputError(`Backup job ${jobId} of project ${projectId} does not exist`);
  if (job.status === 'succeeded' || job.status === 'failed') throw new InvalidInputError(`Backup job ${jobId} has already ${job.status}`);

  const [{ data: project }, order] = await Promise.all([db().Project.get({ projectId }).go(), backupOrder(projectId, job.invoiceIds)]);
  if (!project) throw new InvalidInputError(`Project ${projectId} does not exist`);
  if (order.gone.length) throw new InvalidInputError(`These invoices were deleted after the backup was requested: ${order.gone.join(', ')}`);
  if (order.missingContracts.length) throw new InvalidInputError(`These commitments no longer exist: ${order.missingContracts.join(', ')}`);

  const terms = termsFor(project.region);
  const parts = order.entries.map((entry, index) => ({
    invoiceId: entry.kind === 'owner_invoice' ? entry.invoice.ownerInvoiceId : entry.invoice.invoiceId,
    partKey: backupPartKey(jobId, index),
  }));

  const sourceBytes = await estimatedSourceBytes(projectId, order.entries);
  const { route, reason } = backupRoute({ sourceBytes, parts: parts.length }, { singleTaskMaxBytes: config.backupSingleTaskMaxBytes, volumeMaxBytes: config.backupVolumeLimits.maxBytes });

  // Owner invoices bring the subcontractor invoices they include: the job counts every part.
  await markBackupRunning(job, now, parts.length);
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
  let manifestKey: string | undefined;
  if (route === 'volume') {
    manifestKey = backupPartsManifestKey(jobId);
    await putJson(manifestKey, { parts: await mapLimited(parts, 16, (part) => preparePart({ projectId, ...part })) });
  }
  logger.info('Backup prepared', { projectId, jobId, parts: parts.length, sourceBytes, route, reason });
  return { outputKey: job.outputKey, cover, parts, route, ...(manifestKey && { manifestKey }) };
};

/**
 * The bytes the backup's sources hold, as far as the database knows: each invoice's uploaded
 * attachments (their confirmed sizes) and its own PDF, whose size no item stores (estimated,
 * see `invoicePdfEstimateBytes`). Owner invoices carry no attachments.
 */
async function estimatedSourceBytes(projectId: string, entries: readonly BackupEntry[]): Promise<number> {
  const perInvoice = await mapLimited(entries, 16, async (entry) => {
    const pdf = entry.invoice.signedPdfKey ? invoicePdfEstimateBytes.signed : invoicePdfEstimateBytes.rendered;
    if (entry.kind === 'owner_invoice') return pdf;
    const { data: attachments } = await db().InvoiceAttachment.query.byInvoice({ projectId, invoiceId: entry.invoice.invoiceId }).go({ pages: 'all' });
    return attachments.reduce((sum, attachment) => sum + (attachment.status === 'uploaded' ? attachment.sizeBytes : 0), pdf);
  });
  return perInvoice.reduce((sum, bytes) => sum + bytes, 0);
}
