import { createHash, randomUUID } from 'node:crypto';
import { HttpProblem, problems, type FieldError } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { canSee, type Membership } from '../../../shared/domain/permissions';
import { backupExecutionArn } from '../../../shared/backup/start-workflow';
import { dispatchSoon, outboxRecord, outboxWrite } from '../../../shared/db/outbox';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { batchGetAll, entitiesOf } from '../../../shared/db/service';
import { backupEntities, backupFileName, backupOutputKey, loadBackupJob, type BackupJobItem } from '../../../shared/db/backups';
import { BillingPeriod } from '../../../shared/db/entities/billing-period';
import { Commitment } from '../../../shared/db/entities/commitment';
import { HeadContract } from '../../../shared/db/entities/head-contract';
import { Invoice } from '../../../shared/db/entities/invoice';
import { OwnerInvoice } from '../../../shared/db/entities/owner-invoice';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { jobLocation } from './job-answer';
import { invoicesCompileBackups } from '../../../shared/domain/permission-rules';
import { backupRequestedEvent } from '../../../events/contracts';

/** What a request's invoices are checked against: both invoice kinds, their contracts and their periods. */
const invoiceReaders = /* @__PURE__ */ entitiesOf({ Invoice, OwnerInvoice, Commitment, HeadContract, BillingPeriod });

/**
 * Invoice backups: the request checks every invoice (in this project, visible to the caller, its
 * billing period still there), writes the job with a `backup.requested` outbox record and starts
 * the backup workflow (execution named by the job id) through the outbox; the job then reports
 * progress and, once done, a download.
 */

/**
 * Every invoice of the backup — a subcontractor invoice or an owner invoice — is one the caller can see in this project (else 400 naming each) and
 * still has its billing period (else 409). Invoices of another project are simply not found under
 * this one: the same refusal as a typo.
 */
async function checkBackupInvoices(projectId: string, member: Membership, invoiceIds: string[]): Promise<void> {
  const { Invoice, OwnerInvoice, Commitment, HeadContract, BillingPeriod } = invoiceReaders();
  const subInvoices = await batchGetAll(invoiceIds.map((invoiceId) => ({ projectId, invoiceId })), (keys) => Invoice.get(keys).go());
  const others = invoiceIds.filter((id) => !subInvoices.some((i) => i.invoiceId === id));
  // An id that is no subcontractor invoice may be an owner invoice (followed in the backup by those it includes).
  const ownerInvoices = others.length ? await batchGetAll(others.map((ownerInvoiceId) => ({ projectId, ownerInvoiceId })), (keys) => OwnerInvoice.get(keys).go()) : [];
  const [commitments, contracts, periods] = await Promise.all([
    batchGetAll([...new Set(subInvoices.map((i) => i.commitmentId))].map((commitmentId) => ({ projectId, commitmentId })), (keys) => Commitment.get(keys).go()),
    batchGetAll([...new Set(ownerInvoices.map((i) => i.headContractId))].map((headContractId) => ({ projectId, headContractId })), (keys) => HeadContract.get(keys).go()),
    batchGetAll([...new Set([...subInvoices, ...ownerInvoices].map((i) => i.billingPeriodId))].map((billingPeriodId) => ({ projectId, billingPeriodId })), (keys) =>
      BillingPeriod.get(keys).go(),
    ),
  ]);
  const visibleCommitments = new Map(commitments.filter((c) => canSee(member, 'commitments', c)).map((c) => [c.commitmentId, c]));
  const visibleContracts = new Map(contracts.filter((c) => canSee(member, 'head_contracts', c)).map((c) => [c.headContractId, c]));
  // Each visible invoice: its number, its contract's number and its period.
  const invoices = new Map<string, { number: string; contractNumber: string; billingPeriodId: string }>();
  for (const i of subInvoices) {
    const commitment = visibleCommitments.get(i.commitmentId);
    if (commitment) invoices.set(i.invoiceId, { number: i.number, contractNumber: commitment.number, billingPeriodId: i.billingPeriodId });
  }
  for (const i of ownerInvoices) {
    const contract = visibleContracts.get(i.headContractId);
    if (contract) invoices.set(i.ownerInvoiceId, { number: i.number, contractNumber: contract.number, billingPeriodId: i.billingPeriodId });
  }
  const periodIds = new Set(periods.map((p) => p.billingPeriodId));

  const unknown: FieldError[] = [];
  const periodless: FieldError[] = [];
  invoiceIds.forEach((invoiceId, index) => {
    const invoice = invoices.get(invoiceId);
    const field = `invoiceIds.${index}`;
    if (!invoice) {
      unknown.push({ location: 'body', field, message: `No invoice ${invoiceId} in this project.` });
    } else if (!periodIds.has(invoice.billingPeriodId)) {
      periodless.push({
        location: 'body',
        field,
        message: `The billing period of invoice ${invoice.number} (${invoice.contractNumber}, ${invoiceId}) was deleted; it cannot be compiled.`,
      });
    }
  });
  if (unknown.length) throw problems.validation([...unknown, ...periodless]);
  if (periodless.length) {
    const ids = periodless.map((e) => invoiceIds[Number(e.field.split('.')[1])]);
    throw new HttpProblem(
      409,
      'conflict',
      'Conflict',
      `Every invoice of a backup needs its billing period; these invoices’ periods were deleted: ${ids.join(', ')}.`,
      periodless,
    );
  }
}

/**
 * A keyed request's job id comes from its key (and who sent it where), so a retry after a crash
 * that cut the first request off after its commit — when the key's lock has lapsed and the
 * request runs again — finds the same job rather than making a second.
 */
function keyedJobId(projectId: string, userId: string, key: string): string {
  const hex = createHash('sha256').update(`backup-job\n${projectId}\n${userId}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The job an earlier request with this key made: the same answer (its status now); another list of invoices reuses the key (422). */
async function replyWithKeyedJob(projectId: string, jobId: string, invoiceIds: string[]) {
  const existing = await loadBackupJob(projectId, jobId, { consistent: true });
  if (!existing || existing.invoiceIds.join('\n') !== invoiceIds.join('\n')) throw problems.idempotencyKeyReused();
  const location = jobLocation(projectId, jobId);
  return { status: 202, headers: { location }, body: { jobId, status: existing.status, location } };
}

export async function requestBackup({ path, body, caller, headers }: HttpInput<'requestBackup'>): Promise<Reply> {
  const now = new Date();
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(invoicesCompileBackups, member);
  const { projectId } = project;
  await checkBackupInvoices(projectId, member, body.invoiceIds);

  const key = headers['idempotency-key'];
  const jobId = key === undefined ? randomUUID() : keyedJobId(projectId, caller.userId, key);
  const fileName = backupFileName(project, now);
  const job: BackupJobItem = {
    projectId,
    jobId,
    status: 'queued',
    invoiceIds: body.invoiceIds,
    requestedBy: caller.userId,
    progress: { done: 0, total: body.invoiceIds.length },
    warnings: [],
    fileName,
    outputKey: backupOutputKey(jobId, fileName),
    executionArn: backupExecutionArn(jobId),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  // The job and the request to start its workflow in one transaction: a crash after the commit
  // leaves the record pending, and the outbox's stream or sweeper starts the workflow.
  const record = outboxRecord(backupRequestedEvent, { projectId, jobId }, now);
  const outcome = await writeTransactionOver(backupEntities, (entities) => ({
    job: entities.BackupJob.create(job).commit(),
    outbox: outboxWrite(entities, record),
  }));
  if (outcome.failed.includes('job') && key !== undefined) return replyWithKeyedJob(projectId, jobId, body.invoiceIds);
  // A fresh job id cannot exist already: a cancellation is a conflict that outlasted the retries.
  if (outcome.canceled) throw new Error(`backup job transaction canceled (${outcome.failed.join(', ') || 'no failed condition'})`);
  await dispatchSoon([record.outboxId]);

  const location = jobLocation(projectId, jobId);
  return { status: 202, headers: { location }, body: { jobId, status: job.status, location } };
}
