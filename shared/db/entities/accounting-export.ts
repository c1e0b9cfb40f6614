import type { EntityItem } from 'electrodb';
import { Entity } from '../electrodb';
import { tableKeys } from '../keys';
import { accountingExportStatuses } from '../../domain/accounting-export-statuses';

/**
 * One accounting export of a project (issue 17): queued by the API with its outbox record, taken
 * up by the export function (running, under a lease of one attempt's time), then succeeded with
 * its files in the bucket, or failed with the reason. Newest first by `createdAt` (gsi1).
 */
export const AccountingExport = /* @__PURE__ */ (() => new Entity({
  model: { entity: 'accountingExport', version: '1', service: 'claims' },
  attributes: {
    projectId: { type: 'string', required: true, readOnly: true },
    exportId: { type: 'string', required: true, readOnly: true },
    status: { type: accountingExportStatuses, required: true },
    /** Either a billing period… */
    periodId: { type: 'string', readOnly: true },
    /** …or a date range (YYYY-MM-DD, both included); a period's are its dates, filled in when the job runs. */
    from: { type: 'string' },
    to: { type: 'string' },
    /** AccountingExportFormat values (a list's items cannot be an enum in ElectroDB). */
    formats: { type: 'list', items: { type: 'string' }, required: true, readOnly: true },
    requestedBy: { type: 'string', required: true, readOnly: true },
    counts: {
      type: 'map',
      properties: { invoices: { type: 'number', required: true }, lines: { type: 'number', required: true }, payments: { type: 'number', required: true } },
    },
    /** Sums of the rows, in cents. */
    totals: {
      type: 'map',
      properties: {
        thisPeriodWorkCents: { type: 'number', required: true },
        completedToDateCents: { type: 'number', required: true },
        retainageHeldToDateCents: { type: 'number', required: true },
        amountDueCents: { type: 'number', required: true },
        paymentsCents: { type: 'number', required: true },
      },
    },
    /** What was written to the bucket (exports/ expire like backups/). */
    files: {
      type: 'list',
      items: {
        type: 'map',
        properties: {
          kind: { type: ['lines_csv', 'payments_csv', 'xlsx'] as const, required: true },
          fileName: { type: 'string', required: true },
          key: { type: 'string', required: true },
          bytes: { type: 'number', required: true },
        },
      },
    },
    /** Why the job failed, in words. */
    error: { type: 'string' },
    /** Times the export function took the job up. */
    attempts: { type: 'number', required: true },
    /** Until when the attempt running now holds the job (an ISO instant); a later one may take it up after. */
    leaseUntil: { type: 'string' },
    createdAt: { type: 'string', required: true, readOnly: true },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    updatedAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byProject: {
      pk: { field: tableKeys.primary.pk, composite: ['projectId'] },
      sk: { field: tableKeys.primary.sk, composite: ['exportId'] },
    },
    /** A project's exports by when they were requested. */
    byCreated: {
      index: 'gsi1',
      pk: { field: tableKeys.gsi1.pk, composite: ['projectId'] },
      sk: { field: tableKeys.gsi1.sk, composite: ['createdAt', 'exportId'] },
    },
  },
}))();

export type AccountingExportItem = EntityItem<typeof AccountingExport>;
export type AccountingExportFile = NonNullable<AccountingExportItem['files']>[number];
