import { batchGetAll, entitiesOf } from './service';
import { isConditionalFailure } from './conditions';
import { mapLimited } from '../map-limited';
export type { AccountingExportFile, AccountingExportItem } from './entities/accounting-export';
import { AccountingExport, type AccountingExportFile, type AccountingExportItem } from './entities/accounting-export';
import { BillingPeriod, type BillingPeriodItem } from './entities/billing-period';
import { Invoice, InvoiceEvent, Payment, type InvoiceItem, type PaymentItem } from './entities/invoice';
import { Commitment, type CommitmentItem } from './entities/commitment';
import { exportAttemptSeconds, exportedInvoiceStatuses, inRange, type ExportTotals } from '../domain/accounting-exports';

/** The export jobs (what the HTTP function reads and writes). */
export const exportJobs = /* @__PURE__ */ entitiesOf({ AccountingExport });
/** What an export reads (only the export job's function). */
const exportSources = /* @__PURE__ */ entitiesOf({ BillingPeriod, Invoice, InvoiceEvent, Commitment, Payment });

/** One export job of a project, or undefined. */
export async function loadAccountingExport(projectId: string, exportId: string, options: { consistent?: boolean } = {}): Promise<AccountingExportItem | undefined> {
  const { data } = await exportJobs().AccountingExport.get({ projectId, exportId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** Where a job's files go (exports/ expire like backups/). */
export const accountingExportKey = (exportId: string, fileName: string) => `exports/${exportId}/${fileName}`;

// ---------------------------------------------------------------------------------------------
// The job's moves, each conditioned on the state it leaves, so a duplicate or late delivery is a no-op.

type JobKey = Pick<AccountingExportItem, 'projectId' | 'exportId'>;

/**
 * Takes the job up for one attempt: a queued job, or a running one whose last attempt's lease ran
 * out (its function died). The job as taken (attempts counted), or undefined when it is finished
 * or another attempt holds it.
 */
export async function claimAccountingExport(job: JobKey, now: Date): Promise<AccountingExportItem | undefined> {
  try {
    const { data } = await exportJobs()
      .AccountingExport.patch({ projectId: job.projectId, exportId: job.exportId })
      .set({ status: 'running', leaseUntil: new Date(now.getTime() + exportAttemptSeconds * 1000).toISOString(), updatedAt: now.toISOString() })
      .add({ attempts: 1, version: 1 })
      .where((a, op) => `${op.eq(a.status, 'queued')} OR (${op.eq(a.status, 'running')} AND ${op.lt(a.leaseUntil, now.toISOString())})`)
      .go({ response: 'all_new' });
    const claimed = data as AccountingExportItem;
    if (!claimed.startedAt) await exportJobs().AccountingExport.patch({ projectId: job.projectId, exportId: job.exportId }).set({ startedAt: now.toISOString() }).go();
    return { ...claimed, startedAt: claimed.startedAt ?? now.toISOString() };
  } catch (error) {
    if (isConditionalFailure(error)) return undefined;
    throw error;
  }
}

/** Gives the lease back after an attempt failed, so Lambda's retry takes the job up at once. */
export async function releaseAccountingExport(job: JobKey & { attempts: number }, now: Date): Promise<void> {
  try {
    await exportJobs()
      .AccountingExport.patch({ projectId: job.projectId, exportId: job.exportId })
      .set({ leaseUntil: now.toISOString(), updatedAt: now.toISOString() })
      .add({ version: 1 })
      .where((a, op) => `${op.eq(a.status, 'running')} AND ${op.eq(a.attempts, job.attempts)}`)
      .go();
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
}

/** running → succeeded with what was written, by the attempt that holds the job. False when it no longer does. */
export async function markAccountingExportSucceeded(
  job: JobKey & { attempts: number },
  result: { from: string; to: string; counts: { invoices: number; lines: number; payments: number }; totals: ExportTotals; files: AccountingExportFile[] },
  now: Date,
): Promise<boolean> {
  try {
    await exportJobs()
      .AccountingExport.patch({ projectId: job.projectId, exportId: job.exportId })
      .set({ status: 'succeeded', ...result, finishedAt: now.toISOString(), updatedAt: now.toISOString() })
      .remove(['leaseUntil'])
      .add({ version: 1 })
      .where((a, op) => `${op.eq(a.status, 'running')} AND ${op.eq(a.attempts, job.attempts)}`)
      .go();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

/** queued or running → failed with the reason. A job that succeeded stays succeeded. */
export async function markAccountingExportFailed(job: JobKey, reason: string, now: Date): Promise<boolean> {
  try {
    await exportJobs()
      .AccountingExport.patch({ projectId: job.projectId, exportId: job.exportId })
      .set({ status: 'failed', error: reason, finishedAt: now.toISOString(), updatedAt: now.toISOString() })
      .remove(['leaseUntil'])
      .add({ version: 1 })
      .where((a, op) => `${op.eq(a.status, 'queued')} OR ${op.eq(a.status, 'running')}`)
      .go();
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// What an export reads

/** The billing periods an export covers: the one named, or those that end within the range. */
export async function loadExportPeriods(projectId: string, range: { periodId: string } | { from: string; to: string }): Promise<BillingPeriodItem[]> {
  if ('periodId' in range) {
    const { data } = await exportSources().BillingPeriod.get({ projectId, billingPeriodId: range.periodId }).go();
    return data ? [data] : [];
  }
  const { data } = await exportSources().BillingPeriod.query.byStart({ projectId }).go({ pages: 'all' });
  return data.filter((period) => inRange(period.endDate, range));
}

/** The exported invoices of the periods (approved, approved as noted), by period, commitment and position. */
export async function loadExportInvoices(projectId: string, periods: readonly BillingPeriodItem[]): Promise<InvoiceItem[]> {
  const pages = await mapLimited(periods, 4, (period) => exportSources().Invoice.query.byPeriod({ projectId, billingPeriodId: period.billingPeriodId }).go({ pages: 'all' }));
  return pages.flatMap(({ data }) => data).filter((invoice) => exportedInvoiceStatuses.includes(invoice.status));
}

/**
 * The invoices just before these ones on their commitments (position − 1), by `commitmentId#position`:
 * those among `invoices` as they are (an export of consecutive periods has most), the others read.
 */
export async function loadPreviousInvoices(projectId: string, invoices: readonly InvoiceItem[]): Promise<Map<string, InvoiceItem>> {
  const byPosition = new Map(invoices.map((invoice) => [`${invoice.commitmentId}#${invoice.position}`, invoice]));
  const missing = invoices.filter((invoice) => invoice.position > 1 && !byPosition.has(`${invoice.commitmentId}#${invoice.position - 1}`));
  const found = await mapLimited(missing, 8, async (invoice) => {
    const { data } = await exportSources().Invoice.query.byCommitment({ projectId, commitmentId: invoice.commitmentId, position: invoice.position - 1 }).go();
    return data[0];
  });
  for (const item of found) if (item) byPosition.set(`${item.commitmentId}#${item.position}`, item);
  return byPosition;
}

/** When each invoice was last approved (as noted), from its history. */
export async function loadApprovedAt(projectId: string, invoices: readonly InvoiceItem[]): Promise<Map<string, string>> {
  const found = await mapLimited(invoices, 8, async (invoice) => {
    const { data } = await exportSources().InvoiceEvent.query.byInvoice({ projectId, invoiceId: invoice.invoiceId }).go({ pages: 'all', order: 'desc' });
    const approval = data.find((event) => event.type === 'status_changed' && event.toStatus !== undefined && exportedInvoiceStatuses.includes(event.toStatus));
    return [invoice.invoiceId, approval?.at] as const;
  });
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

export async function loadCommitments(projectId: string, commitmentIds: readonly string[]): Promise<Map<string, CommitmentItem>> {
  const items = await batchGetAll([...new Set(commitmentIds)].map((commitmentId) => ({ projectId, commitmentId })), (keys) => exportSources().Commitment.get(keys).go());
  return new Map(items.map((item) => [item.commitmentId, item]));
}

/** The project's payments issued with a payment date in the range, by date. */
export async function loadExportPayments(projectId: string, range: { from: string; to: string }): Promise<PaymentItem[]> {
  const { data } = await exportSources().Payment.query.byCommitment({ projectId }).go({ pages: 'all' });
  return data.filter((payment) => inRange(payment.paidOn, range)).sort((a, b) => a.paidOn.localeCompare(b.paidOn) || a.paymentNumber.localeCompare(b.paymentNumber));
}
