import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import {
  accountingExportFormats,
  accountingExportStatuses,
  exportRangeRefusal,
  lineColumns,
  paymentColumns,
} from '../domain/accounting-exports';
import { pageQuery } from '../http/cursor';
import { projectPath } from './common';

/** How long a finished export's presigned download URLs are valid. */
export const exportDownloadSeconds = 15 * 60;

export const accountingExportPath = z.extend(projectPath, { exportId: z.string().check(z.minLength(1), z.maxLength(100)) });

// A calendar date (YYYY-MM-DD), checked with the range by exportRangeRefusal so each field gets one message.
const date = (description: string) => z.withMeta(z.string().check(z.maxLength(10)), { description: `${description}, YYYY-MM-DD`, example: '2027-01-31' });

export const requestAccountingExportBody = z.withMeta(
  z
    .strictObject({
      periodId: z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), {
        description: 'A billing period: its approved invoices, and the payments dated within it',
      }),
      from: z.optional(date('Instead of a period, a date range: the invoices of the billing periods that end in it, and the payments dated in it (first day)')),
      to: z.optional(date('The range’s last day (included)')),
      formats: z.withMeta(
        z
          ._default(z.array(z.enum(accountingExportFormats)).check(z.minLength(1), z.maxLength(2)), ['csv', 'xlsx'])
          .check(z.refine((formats) => new Set(formats).size === formats.length, { message: 'each format once' })),
        { description: '`csv`: lines and payments as two RFC 4180 files; `xlsx`: one workbook (Lines, Payments, a G703 and G702 sheet per invoice)' },
      ),
    })
    .check(
      z.superRefine((body, ctx) => {
        for (const issue of exportRangeRefusal(body)) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
      }),
    ),
  { id: 'RequestAccountingExport' },
);

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

export const listAccountingExportsQuery = z.object(pageQuery);
export const accountingExportList = z.withMeta(z.object({ items: z.array(accountingExportResponse), nextCursor: z.nullable(z.string()) }), {
  id: 'AccountingExportList',
});

const base = '/v1/projects/{projectId}/accounting-exports';
const common = { function: 'accountingExports', auth: 'jwt', action: 'accounting.export', tags: ['accounting exports'] } as const;

export const accountingExportRoutes = [
  {
    ...common,
    operationId: 'requestAccountingExport',
    method: 'POST',
    path: base,
    summary: 'Export the approved invoices (one row per line) and payments of a period or date range as CSV and XLSX, asynchronously (Idempotency-Key: the same job)',
    request: { path: projectPath, body: requestAccountingExportBody },
    response: { status: 202, description: 'The job, queued', schema: accountingExportRequestedResponse },
  },
  {
    ...common,
    operationId: 'listAccountingExports',
    method: 'GET',
    path: base,
    summary: 'The project’s accounting exports, newest first',
    request: { path: projectPath, query: listAccountingExportsQuery },
    response: { status: 200, description: 'A page of exports', schema: accountingExportList },
  },
  {
    ...common,
    operationId: 'getAccountingExport',
    method: 'GET',
    path: `${base}/{exportId}`,
    summary: 'An accounting export: status, row counts, totals and, when done, the downloads',
    request: { path: accountingExportPath },
    response: { status: 200, description: 'The export', schema: accountingExportResponse },
  },
] as const satisfies readonly RouteDefinition[];
