import { createHash, randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { problems } from '../../../shared/http/problem';
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../../shared/db/outbox-record';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { entitiesOf } from '../../../shared/db/service';
import { AccountingExport } from '../../../shared/db/entities/accounting-export';
import { Outbox } from '../../../shared/db/entities/outbox';
import { loadBillingPeriod } from '../../../shared/db/billing-periods';
import { loadAccountingExport, type AccountingExportItem } from '../../../shared/db/accounting-exports';
import { accountingExport } from '../../../shared/domain/permission-rules';
import { accountingExportRequestedEvent } from '../../../events/contracts';

/** The job is created with its outbox record (which starts it). */
const requestEntities = /* @__PURE__ */ entitiesOf({ AccountingExport, Outbox });

export const exportLocation = (projectId: string, exportId: string) =>
  `/v1/projects/${encodeURIComponent(projectId)}/accounting-exports/${encodeURIComponent(exportId)}`;

/**
 * A keyed request's export id comes from its key (and who sent it where), so a retry after a crash
 * that cut the first request off after its commit finds the same job rather than making a second.
 */
function keyedExportId(projectId: string, userId: string, key: string): string {
  const hex = createHash('sha256').update(`accounting-export\n${projectId}\n${userId}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const sameRequest = (job: AccountingExportItem, wanted: Pick<AccountingExportItem, 'periodId' | 'from' | 'to' | 'formats'>) =>
  job.periodId === wanted.periodId && job.from === wanted.from && job.to === wanted.to && job.formats.join() === wanted.formats.join();

/**
 * Queues an export: the job and its `accounting-export.requested` outbox record in one transaction
 * (a crash after the commit leaves the record pending; the stream or sweeper sends it), then the
 * record is dispatched at once. The export function writes the files.
 */
export async function requestAccountingExport({ path, body, caller, headers }: HttpInput<'requestAccountingExport'>): Promise<Reply> {
  const now = new Date();
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(accountingExport, member);
  const { projectId } = project;

  // A period's range is its dates, fixed now: the payments of the export are those dated within them.
  let range = { from: body.from, to: body.to };
  if (body.periodId !== undefined) {
    const period = await loadBillingPeriod(projectId, body.periodId);
    if (!period) throw problems.validation([{ location: 'body', field: 'periodId', message: `No billing period ${body.periodId} in this project.` }]);
    range = { from: period.startDate, to: period.endDate };
  }

  const key = headers['idempotency-key'];
  const exportId = key === undefined ? randomUUID() : keyedExportId(projectId, caller.userId, key);
  const job: AccountingExportItem = {
    projectId,
    exportId,
    status: 'queued',
    ...(body.periodId !== undefined && { periodId: body.periodId }),
    from: range.from,
    to: range.to,
    formats: body.formats,
    requestedBy: caller.userId,
    attempts: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  const record = outboxRecord(accountingExportRequestedEvent, { projectId, exportId }, now);
  const outcome = await writeTransactionOver(requestEntities, (entities) => ({
    job: entities.AccountingExport.create(job).commit(),
    outbox: outboxWrite(entities, record),
  }));
  const location = exportLocation(projectId, exportId);
  if (outcome.failed.includes('job') && key !== undefined) {
    // The job an earlier request with this key made: the same answer (its status now), unless the key is reused for another export.
    const existing = await loadAccountingExport(projectId, exportId, { consistent: true });
    if (!existing || !sameRequest(existing, job)) throw problems.idempotencyKeyReused();
    return { status: 202, headers: { location }, body: { exportId, status: existing.status, location } };
  }
  if (outcome.canceled) throw new Error(`accounting export transaction canceled (${outcome.failed.join(', ') || 'no failed condition'})`);
  await dispatchSoon([record.outboxId]);
  return { status: 202, headers: { location }, body: { exportId, status: job.status, location } };
}
