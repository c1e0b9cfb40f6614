import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { projectPath } from './common';

/** The most invoices one backup may hold (its parts travel through the workflow's state, which is capped at 256 KB). */
export const maxInvoicesPerBackup = 500;
/** How long the presigned download URL of a finished backup is valid. */
export const backupDownloadSeconds = 15 * 60;

export const backupJobPath = z.extend(projectPath, { jobId: z.string().check(z.minLength(1), z.maxLength(100)) });

export const requestBackupBody = z.withMeta(
  z.strictObject({
    invoiceIds: z.withMeta(
      z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(
        z.minLength(1),
        z.maxLength(maxInvoicesPerBackup),
        z.superRefine((ids, ctx) => {
          const seen = new Set<string>();
          ids.forEach((id, index) => {
            if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index], message: `invoice ${id} is listed twice` });
            seen.add(id);
          });
        }),
      ),
      {
        description:
          'The subcontractor or owner invoices to compile (1–500, each once). Each owner invoice comes first with the subcontractor invoices it includes (its period’s approved ones on its cost codes) after it, by cost code; the other invoices follow by commitment number, then invoice position',
      },
    ),
  }),
  { id: 'RequestInvoiceBackup' },
);

export const backupJobQuery = z.object({
  warningsCursor: z.withMeta(z.optional(z.string().check(z.maxLength(2048))), {
    description: 'The `warningsCursor` of the previous answer: the next page of warnings',
  }),
});

const base = '/v1/projects/{projectId}/invoice-backups';

export const backupRoutes = [
  {
    operationId: 'requestBackup',
    method: 'POST',
    path: base,
    function: 'backups',
    auth: 'jwt',
    action: 'invoices.compile_backups',
    request: { path: projectPath, body: requestBackupBody },
    response: { status: 202 },
  },
  {
    operationId: 'getBackup',
    method: 'GET',
    path: `${base}/{jobId}`,
    function: 'backups',
    auth: 'jwt',
    action: 'invoices.compile_backups',
    request: { path: backupJobPath, query: backupJobQuery },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
