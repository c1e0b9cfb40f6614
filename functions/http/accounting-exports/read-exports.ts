import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client } from '../../../shared/aws/s3';
import { config } from '../../../shared/config';
import { logger } from '../../../shared/logger';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { problems } from '../../../shared/http/problem';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { contentDisposition } from '../../../shared/storage/keys';
import { exportJobs, loadAccountingExport, markAccountingExportFailed, type AccountingExportItem } from '../../../shared/db/accounting-exports';
import { lineColumns, paymentColumns, stalledExportReason, type AccountingExportFormat } from '../../../shared/domain/accounting-exports';
import { exportDownloadSeconds } from '../../../shared/api/accounting-exports';
import type { AccountingExportResponse } from '../../../shared/api/accounting-exports.docs';
import { accountingExport } from '../../../shared/domain/permission-rules';

const contentTypes = {
  lines_csv: 'text/csv; charset=utf-8',
  payments_csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

async function toAccountingExportResponse(job: AccountingExportItem): Promise<AccountingExportResponse> {
  const expiresAt = new Date(Date.now() + exportDownloadSeconds * 1000).toISOString();
  const files =
    job.status === 'succeeded'
      ? await Promise.all(
          (job.files ?? []).map(async (file) => ({
            kind: file.kind,
            fileName: file.fileName,
            bytes: file.bytes,
            url: await getSignedUrl(
              s3Client(),
              new GetObjectCommand({
                Bucket: config.bucketName,
                Key: file.key,
                ResponseContentDisposition: contentDisposition('attachment', file.fileName),
                ResponseContentType: contentTypes[file.kind],
              }),
              { expiresIn: exportDownloadSeconds },
            ),
            expiresAt,
          })),
        )
      : [];
  return {
    projectId: job.projectId,
    exportId: job.exportId,
    status: job.status,
    periodId: job.periodId ?? null,
    from: job.from ?? null,
    to: job.to ?? null,
    formats: job.formats as AccountingExportFormat[],
    counts: job.counts ?? null,
    totals: job.totals ?? null,
    columns: { lines: lineColumns.map((column) => column.name), payments: paymentColumns.map((column) => column.name) },
    files,
    error: job.error ?? null,
    attempts: job.attempts,
    requestedBy: job.requestedBy,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
  };
}

/** A job that stalled (its request or its function lost) fails now, so nobody waits on it forever. The job as it now is. */
async function failIfStalled(job: AccountingExportItem, now: Date): Promise<AccountingExportItem> {
  const reason = stalledExportReason(job, now);
  if (!reason) return job;
  logger.warn('accounting export stalled; failing it', { projectId: job.projectId, exportId: job.exportId, status: job.status });
  await markAccountingExportFailed(job, reason, now);
  return (await loadAccountingExport(job.projectId, job.exportId, { consistent: true })) ?? job;
}

export async function getAccountingExport({ path, caller }: HttpInput<'getAccountingExport'>): Promise<Reply> {
  const { member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(accountingExport, member);
  const job = await loadAccountingExport(path.projectId, path.exportId);
  if (!job) throw problems.notFound('No such accounting export.');
  return { body: await toAccountingExportResponse(await failIfStalled(job, new Date())) };
}

export async function listAccountingExports({ path, query, caller }: HttpInput<'listAccountingExports'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(accountingExport, member);
  const scope = `accounting-exports:${project.projectId}`;
  const page = await exportJobs()
    .AccountingExport.query.byCreated({ projectId: project.projectId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit, order: 'desc' });
  const now = new Date();
  const items = await Promise.all(page.data.map(async (job) => toAccountingExportResponse(await failIfStalled(job, now))));
  return { body: { items, nextCursor: encodeCursor(scope, page.cursor) } };
}
