/** The backups routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { backupJobStatuses } from '../domain/backups';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { backupRoutes } from './backups';

export const backupRequestedResponse = z.withMeta(
  z.object({
    jobId: z.string(),
    status: z.enum(backupJobStatuses),
    location: z.withMeta(z.string(), { description: 'The job: GET it for progress and, when done, the download' }),
  }),
  { id: 'InvoiceBackupRequested' },
);

const warning = z.withMeta(
  z.object({
    commitmentNumber: z.string(),
    commitmentTitle: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    attachmentId: z.withMeta(z.nullable(z.string()), { description: 'The attachment left out; null for the invoice’s own PDF' }),
    fileName: z.withMeta(z.string(), { description: 'The file left out' }),
    reason: z.string(),
    page: z.withMeta(z.number().check(z.int()), {
      description: 'The page of the backup PDF (of its volume’s, when there are several) that stands in for the file (saying it was left out, and why)',
    }),
    volume: z.withMeta(z.number().check(z.int()), { description: 'The volume whose PDF has that page: 1 unless the backup was split into volumes' }),
  }),
  { id: 'InvoiceBackupWarning' },
);

const download = z.withMeta(
  z.object({
    url: z.withMeta(z.url(), { description: 'Presigned GET of the PDF, valid for 15 minutes; downloads it under its file name' }),
    expiresAt: z.iso.datetime(),
  }),
  { id: 'InvoiceBackupDownload' },
);

export const backupJobResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    jobId: z.string(),
    status: z.enum(backupJobStatuses),
    invoiceIds: z.withMeta(z.array(z.string()), { description: 'As requested' }),
    progress: z.withMeta(z.object({ done: z.number().check(z.int()), total: z.number().check(z.int()) }), {
      description: 'Invoices merged so far, of all the job’s invoices (owner invoices’ included ones counted once the job runs)',
    }),
    warnings: z.withMeta(z.array(warning), {
      description: 'Files left out of the PDF (each replaced by a page saying so), and why: up to 100, in the PDF’s order; `warningsCursor` pages on',
    }),
    warningCount: z.withMeta(z.number().check(z.int()), { description: 'How many files were left out in all' }),
    warningsCursor: z.withMeta(z.nullable(z.string()), { description: 'Pass as `warningsCursor` for the next warnings; null when these are the last' }),
    fileName: z.withMeta(z.string(), { example: 'Invoice backup - Harbour Tower - HT-1 - 2026-11-21 - 14.05.pdf' }),
    pages: z.nullable(z.number().check(z.int())),
    bytes: z.nullable(z.number().check(z.int())),
    download: z.withMeta(z.nullable(download), {
      description: 'Once the job has succeeded: the PDF (the first volume’s when it was split; `volumes` has each)',
    }),
    volumes: z.withMeta(
      z.array(
        z.withMeta(
          z.object({
            volume: z.withMeta(z.number().check(z.int()), { description: '1-based, in the backup’s order' }),
            fileName: z.withMeta(z.string(), { example: 'Invoice backup - Harbour Tower - HT-1 - 2026-11-21 - 14.05 - Volume 1 of 2.pdf' }),
            pages: z.number().check(z.int()),
            bytes: z.number().check(z.int()),
            download,
          }),
          { id: 'InvoiceBackupVolume' },
        ),
      ),
      {
        description:
          'Once the job has succeeded, its PDFs: one, unless the backup was bigger than one volume holds (pages or bytes), when it is split between invoices into volumes, each with its own cover ("Volume 1 of 3"), contents and bookmarks',
      },
    ),
    error: z.withMeta(z.nullable(z.string()), { description: 'Why the job failed' }),
    requestedBy: z.string(),
    createdAt: z.iso.datetime(),
    startedAt: z.nullable(z.iso.datetime()),
    finishedAt: z.nullable(z.iso.datetime()),
  }),
  { id: 'InvoiceBackup' },
);
export type BackupJobResponse = z.infer<typeof backupJobResponse>;

export const backupDocs = {
  requestBackup: {
    summary: 'Compile the selected invoices and their attachments into one PDF, asynchronously (Idempotency-Key: the same job)',
    tags: ['invoice backups'],
    response: { description: 'The job, queued; its workflow has started', schema: backupRequestedResponse },
  },
  getBackup: {
    summary: 'A backup job: status, progress, warnings and, when done, the download',
    tags: ['invoice backups'],
    response: { description: 'The job', schema: backupJobResponse },
  },
} satisfies Record<OperationIdOf<typeof backupRoutes>, RouteDocs>;
