import type { EventBridgeEvent } from 'aws-lambda';
import { accountingExportRequested } from '../../events/contracts';
import { logger } from '../../shared/logger';
import { db } from '../../shared/db/service';
import { fileNameSafe } from '../../shared/db/backups';
import {
  accountingExportKey,
  claimAccountingExport,
  loadAccountingExport,
  markAccountingExportFailed,
  markAccountingExportSucceeded,
  releaseAccountingExport,
  type AccountingExportFile,
  type AccountingExportItem,
} from '../../shared/db/accounting-exports';
import { exportTotals, lineColumns, maxExportAttempts, paymentColumns } from '../../shared/domain/accounting-exports';
import { ExportRefused, gatherExport } from '../../shared/accounting-export/gather';
import { writeCsv, writeWorkbook } from '../../shared/accounting-export/write-files';

/**
 * `accounting-export.requested` (written in the outbox with the job): takes the job up, reads its
 * invoices and payments, streams its files into S3 and ends it succeeded. Exactly one attempt
 * holds the job at a time (a lease as long as the function's timeout); a duplicate delivery finds
 * it held or finished and does nothing. A failed attempt hands the job back and throws, so
 * Lambda's retry takes it up again; the last attempt, or a failure a retry would meet again, fails
 * the job with the reason. One whose function died silently is failed by the API once its lease
 * is long past (stalledExportReason).
 */
export const handler = async (event: EventBridgeEvent<'accounting-export.requested', unknown>) => {
  const parsed = accountingExportRequested.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('invalid accounting-export.requested event', { eventId: event.id, issues: parsed.error.issues });
    return { status: 'invalid' as const };
  }
  const { projectId, exportId } = parsed.data;
  logger.appendKeys({ projectId, exportId });
  const now = new Date();
  const job = await claimAccountingExport({ projectId, exportId }, now);
  if (!job) {
    const existing = await loadAccountingExport(projectId, exportId, { consistent: true });
    logger.info('accounting export not taken up', { status: existing?.status ?? 'missing' });
    return { status: 'skipped' as const };
  }
  if (job.attempts > maxExportAttempts) {
    await markAccountingExportFailed(job, `The export did not finish in ${maxExportAttempts} attempts`, new Date());
    return { status: 'failed' as const };
  }
  try {
    await produce(job);
    return { status: 'succeeded' as const };
  } catch (error) {
    const final = error instanceof ExportRefused || job.attempts >= maxExportAttempts;
    logger.error('accounting export attempt failed', { attempt: job.attempts, final, error: error as Error });
    if (final) {
      const reason = error instanceof ExportRefused ? error.message : `The export failed ${job.attempts} times; the last time: ${(error as Error).message}`;
      await markAccountingExportFailed(job, reason, new Date());
      return { status: 'failed' as const };
    }
    await releaseAccountingExport(job, new Date());
    throw error;
  }
};

async function produce(job: AccountingExportItem): Promise<void> {
  const { data: project } = await db().Project.get({ projectId: job.projectId }).go();
  if (!project) throw new ExportRefused('The project no longer exists');
  const data = await gatherExport(job, project);

  // "Accounting export - Harbour Tower - 2027-01-01 to 2027-01-31 - lines.csv"
  const base = `Accounting export - ${fileNameSafe(project.name).slice(0, 120)} - ${data.range.from} to ${data.range.to}`;
  const files: AccountingExportFile[] = [];
  const file = async (kind: AccountingExportFile['kind'], fileName: string, write: (key: string) => Promise<number>) => {
    const key = accountingExportKey(job.exportId, fileName);
    files.push({ kind, fileName, key, bytes: await write(key) });
  };
  if (job.formats.includes('csv')) {
    await file('lines_csv', `${base} - lines.csv`, (key) => writeCsv(key, lineColumns, data.lines));
    await file('payments_csv', `${base} - payments.csv`, (key) => writeCsv(key, paymentColumns, data.payments));
  }
  if (job.formats.includes('xlsx')) await file('xlsx', `${base}.xlsx`, (key) => writeWorkbook(key, data));

  const counts = { invoices: data.invoices.length, lines: data.lines.length, payments: data.payments.length };
  const done = await markAccountingExportSucceeded(job, { from: data.range.from, to: data.range.to, counts, totals: exportTotals(data.lines, data.payments), files }, new Date());
  logger.info(done ? 'accounting export written' : 'accounting export written, but the job had moved on', { counts, files: files.length });
}
