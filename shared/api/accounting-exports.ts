import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { accountingExportFormats, exportRangeRefusal } from '../domain/accounting-exports';
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

export const listAccountingExportsQuery = z.object(pageQuery);
const base = '/v1/projects/{projectId}/accounting-exports';
const common = { function: 'accountingExports', auth: 'jwt', action: 'accounting.export' } as const;

export const accountingExportRoutes = [
  {
    ...common,
    operationId: 'requestAccountingExport',
    method: 'POST',
    path: base,
    request: { path: projectPath, body: requestAccountingExportBody },
    response: { status: 202 },
  },
  {
    ...common,
    operationId: 'listAccountingExports',
    method: 'GET',
    path: base,
    request: { path: projectPath, query: listAccountingExportsQuery },
    response: { status: 200 },
  },
  {
    ...common,
    operationId: 'getAccountingExport',
    method: 'GET',
    path: `${base}/{exportId}`,
    request: { path: accountingExportPath },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
