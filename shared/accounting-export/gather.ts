import { batchGetAll, db } from '../db/service';
import {
  loadApprovedAt,
  loadCommitments,
  loadExportInvoices,
  loadExportPayments,
  loadExportPeriods,
  loadPreviousInvoices,
  type AccountingExportItem,
} from '../db/accounting-exports';
import type { ProjectItem } from '../db/entities/project';
import type { BillingPeriodItem } from '../db/entities/billing-period';
import type { InvoiceItem } from '../db/entities/invoice';
import type { CommitmentItem } from '../db/entities/commitment';
import { currencyOf } from '../domain/project-settings';
import { invoiceLineRows, type ExportRow, type LineColumn, type PaymentColumn } from '../domain/accounting-exports';

/** A failure the same job would meet again on a retry: the job fails at once. */
export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

/** One exported invoice with what its sheets show. */
export interface GatheredInvoice {
  invoice: InvoiceItem;
  period: BillingPeriodItem;
  commitment: CommitmentItem;
  lines: Array<ExportRow<LineColumn>>;
}

export interface GatheredExport {
  range: { from: string; to: string };
  currency: string;
  invoices: GatheredInvoice[];
  lines: Array<ExportRow<LineColumn>>;
  payments: Array<ExportRow<PaymentColumn>>;
}

/**
 * Everything an export writes, read from the table: its periods' approved invoices (by period
 * start, commitment number, invoice position), each line a row; and the payments dated in range.
 */
export async function gatherExport(job: AccountingExportItem, project: ProjectItem): Promise<GatheredExport> {
  const { projectId } = project;
  if (!job.from || !job.to) throw new ExportRefused('The export has no date range');
  const range = { from: job.from, to: job.to };
  const periods = await loadExportPeriods(projectId, job.periodId ? { periodId: job.periodId } : range);
  if (job.periodId && periods.length === 0) throw new ExportRefused(`The billing period ${job.periodId} no longer exists`);
  const periodById = new Map(periods.map((period) => [period.billingPeriodId, period]));

  const invoices = await loadExportInvoices(projectId, periods);
  const [commitments, previous, approvedAt, payments] = await Promise.all([
    loadCommitments(projectId, invoices.map((invoice) => invoice.commitmentId)),
    loadPreviousInvoices(projectId, invoices),
    loadApprovedAt(projectId, invoices),
    loadExportPayments(projectId, range),
  ]);
  const currency = currencyOf(project).code;

  const gathered: GatheredInvoice[] = [];
  for (const invoice of invoices) {
    const commitment = commitments.get(invoice.commitmentId);
    const period = periodById.get(invoice.billingPeriodId)!;
    // An invoice outlives neither its commitment nor (with invoices) its period; if one is gone, the table is mid-change: try again.
    if (!commitment) throw new Error(`commitment ${invoice.commitmentId} of invoice ${invoice.invoiceId} not found`);
    const lines = invoiceLineRows(invoice, {
      project: { projectId, name: project.name, currency },
      period: { billingPeriodId: period.billingPeriodId, startDate: period.startDate, endDate: period.endDate },
      commitment: { commitmentId: commitment.commitmentId, number: commitment.number, vendorName: commitment.vendorName },
      approvedAt: approvedAt.get(invoice.invoiceId),
      previous: previous.get(`${invoice.commitmentId}#${invoice.position - 1}`)?.figures,
    });
    gathered.push({ invoice, period, commitment, lines });
  }
  gathered.sort(
    (a, b) =>
      a.period.startDate.localeCompare(b.period.startDate) ||
      a.commitment.number.localeCompare(b.commitment.number, 'en', { numeric: true }) ||
      a.invoice.position - b.invoice.position,
  );

  // Payments name their commitment and invoice; those outside the export are read too.
  const paymentCommitments = await loadCommitments(projectId, payments.map((payment) => payment.commitmentId).filter((id) => !commitments.has(id)));
  const invoiceNumbers = new Map(invoices.map((invoice) => [invoice.invoiceId, invoice.number]));
  const otherInvoiceIds = [...new Set(payments.flatMap((payment) => (payment.invoiceId && !invoiceNumbers.has(payment.invoiceId) ? [payment.invoiceId] : [])))];
  const others = await batchGetAll(otherInvoiceIds.map((invoiceId) => ({ projectId, invoiceId })), (keys) => db().Invoice.get(keys).go());
  for (const invoice of others) invoiceNumbers.set(invoice.invoiceId, invoice.number);

  const paymentRows = payments.map((payment): ExportRow<PaymentColumn> => {
    const commitment = commitments.get(payment.commitmentId) ?? paymentCommitments.get(payment.commitmentId);
    return {
      projectId,
      paymentId: payment.paymentId,
      paymentNumber: payment.paymentNumber,
      paidOn: payment.paidOn,
      method: payment.method,
      checkNumber: payment.checkNumber ?? '',
      commitmentId: payment.commitmentId,
      commitmentNumber: commitment?.number ?? '',
      vendor: commitment?.vendorName ?? '',
      invoiceId: payment.invoiceId ?? '',
      invoiceNumber: payment.invoiceId ? (invoiceNumbers.get(payment.invoiceId) ?? '') : '',
      amount: payment.amountCents,
      currency,
    };
  });

  return { range, currency, invoices: gathered, lines: gathered.flatMap((item) => item.lines), payments: paymentRows };
}
