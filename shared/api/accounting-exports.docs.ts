/** The accounting exports routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { accountingExportFormats, accountingExportStatuses, lineColumns, paymentColumns } from '../domain/accounting-exports';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { accountingExportRoutes } from './accounting-exports';

export const accountingExportRequestedResponse = z.withMeta(
  z.object({
    exportId: z.string(),
    status: z.enum(accountingExportStatuses),
    location: z.withMeta(z.string(), { description: 'The job: GET it for its status and, when done, the downloads' }),
  }),
  { id: 'AccountingExportRequested' },
);

const columnList = (columns: ReadonlyArray<{ name: string; description: string }>) => columns.map((column) => `\`${column.name}\`: ${column.description}`).join('; ');

export const exportLineColumn = z.withMeta(z.enum(lineColumns.map((column) => column.name) as [string, ...string[]]), {
  id: 'AccountingExportLineColumn',
  description: `The columns of the lines file and the Lines sheet, in this order: ${columnList(lineColumns)}`,
});

export const exportPaymentColumn = z.withMeta(z.enum(paymentColumns.map((column) => column.name) as [string, ...string[]]), {
  id: 'AccountingExportPaymentColumn',
  description: `The columns of the payments file and the Payments sheet, in this order: ${columnList(paymentColumns)}`,
});

const cents = (description: string) => z.withMeta(z.number().check(z.int()), { description: `${description}, in cents` });

const exportFile = z.withMeta(
  z.object({
    kind: z.enum(['lines_csv', 'payments_csv', 'xlsx']),
    fileName: z.withMeta(z.string(), { example: 'Accounting export - Harbour Tower - 2027-01-01 to 2027-01-31 - lines.csv' }),
    bytes: z.number().check(z.int()),
    url: z.withMeta(z.url(), { description: 'Presigned GET, valid for 15 minutes; downloads under `fileName`' }),
    expiresAt: z.iso.datetime(),
  }),
  { id: 'AccountingExportFile' },
);

export const accountingExportResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    exportId: z.string(),
    status: z.enum(accountingExportStatuses),
    periodId: z.nullable(z.string()),
    from: z.withMeta(z.nullable(z.string()), { description: 'The range covered (a period’s dates once the job ran)' }),
    to: z.nullable(z.string()),
    formats: z.array(z.enum(accountingExportFormats)),
    counts: z.withMeta(z.nullable(z.object({ invoices: z.number().check(z.int()), lines: z.number().check(z.int()), payments: z.number().check(z.int()) })), {
      description: 'Rows written, once the job has succeeded',
    }),
    totals: z.withMeta(
      z.nullable(
        z.object({
          thisPeriodWorkCents: cents('Σ thisPeriodWork'),
          completedToDateCents: cents('Σ completedToDate (each invoice’s G702 line 4)'),
          retainageHeldToDateCents: cents('Σ retainageHeldToDate (line 5)'),
          amountDueCents: cents('Σ amountDue (line 8)'),
          paymentsCents: cents('Σ of the payments’ amount'),
        }),
      ),
      { description: 'Sums of the rows, once the job has succeeded' },
    ),
    columns: z.withMeta(z.object({ lines: z.array(exportLineColumn), payments: z.array(exportPaymentColumn) }), {
      description: 'The files’ columns, in order',
    }),
    files: z.withMeta(z.array(exportFile), { description: 'The downloads, once the job has succeeded' }),
    error: z.withMeta(z.nullable(z.string()), { description: 'Why the job failed' }),
    attempts: z.number().check(z.int()),
    requestedBy: z.string(),
    createdAt: z.iso.datetime(),
    startedAt: z.nullable(z.iso.datetime()),
    finishedAt: z.nullable(z.iso.datetime()),
  }),
  { id: 'AccountingExport' },
);
export type AccountingExportResponse = z.infer<typeof accountingExportResponse>;

export const accountingExportList = z.withMeta(z.object({ items: z.array(accountingExportResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'AccountingExportList',
});

export const accountingExportDocs = {
  requestAccountingExport: {
    summary: 'Export the approved invoices (one row per line) and payments of a period or date range as CSV and XLSX, asynchronously (Idempotency-Key: the same job)',
    tags: ['accounting exports'],
    response: { description: 'The job, queued', schema: accountingExportRequestedResponse },
  },
  listAccountingExports: {
    summary: 'The project’s accounting exports, newest first',
    tags: ['accounting exports'],
    response: { description: 'A page of exports', schema: accountingExportList },
  },
  getAccountingExport: {
    summary: 'An accounting export: status, row counts, totals and, when done, the downloads',
    tags: ['accounting exports'],
    response: { description: 'The export', schema: accountingExportResponse },
  },
} satisfies Record<OperationIdOf<typeof accountingExportRoutes>, RouteDocs>;
