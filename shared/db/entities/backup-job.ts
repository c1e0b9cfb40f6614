import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { backupJobStatuses } from '../../domain/backups';

/**
 * One invoice backup request and its run of the backup workflow (execution name = jobId):
 * queued by the API, running from the workflow's Prepare, then succeeded (Finalize) or failed
 * (MarkFailed). The PDF itself is in the bucket at `outputKey`.
 */
export const BackupJob = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'backupJob', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    jobId: { type: 'string', required: true, readOnly: true },
    status: { type: backupJobStatuses, required: true },
    /** As requested; the PDF orders them by commitment number, then invoice position. */
    invoiceIds: { type: 'list', items: { type: 'string' }, required: true, readOnly: true },
    requestedBy: { type: 'string', required: true, readOnly: true },
    /** Invoices merged so far (`done`) of `total`. */
    progress: {
      type: 'map',
      required: true,
      properties: { done: { type: 'number', required: true }, total: { type: 'number', required: true } },
    },
    /** The parts already counted in `progress.done`: a retried RecordProgress counts its part once. */
    mergedParts: { type: 'set', items: 'string' },
    /**
     * What was left out of the PDF (encrypted, corrupt, unsupported or missing files), and why: the
     * first `backupWarningsPerPage` (all are in S3, beside the PDF; the item stays far under 400 KB).
     * Jobs compiled before warnings named their invoice hold `title` (the file name) and `reason` only.
     */
    warnings: {
      type: 'list',
      items: {
        type: 'map',
        properties: {
          commitmentNumber: { type: 'string' },
          commitmentTitle: { type: 'string' },
          invoiceId: { type: 'string' },
          invoiceNumber: { type: 'string' },
          attachmentId: { type: 'string' },
          fileName: { type: 'string' },
          title: { type: 'string' },
          reason: { type: 'string', required: true },
          page: { type: 'number' },
          volume: { type: 'number' },
        },
      },
    },
    /** How many files were left out in all (`warnings` holds the first ones). */
    warningCount: { type: 'number' },
    /** "{Invoice term} backup - {project name} - {project number} - {date} - {time}.pdf", fixed at request time. */
    fileName: { type: 'string', required: true, readOnly: true },
    outputKey: { type: 'string', required: true, readOnly: true },
    /** In all, every volume's. */
    pages: { type: 'number' },
    bytes: { type: 'number' },
    /**
     * The PDFs written, one per volume (shared/backup/volumes.ts): one, at `outputKey` under
     * `fileName`, unless the backup was split. Jobs finished before volumes have none: theirs is that one.
     */
    volumes: {
      type: 'list',
      items: {
        type: 'map',
        properties: {
          volume: { type: 'number', required: true },
          fileName: { type: 'string', required: true },
          outputKey: { type: 'string', required: true },
          pages: { type: 'number', required: true },
          bytes: { type: 'number', required: true },
        },
      },
    },
    /** Why the job failed, in words (no stack traces). */
    error: { type: 'string' },
    executionArn: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    updatedAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['jobId'] },
    },
  },
}))();

export type BackupJobItem = EntityItem<typeof BackupJob>;
