/**
 * Accounting exports (issue 17): approved subcontractor invoices and payments of a billing period
 * or date range, one row per invoice line, as CSV and XLSX a finance team loads into its ledger.
 * Pure: the rows come from the stored invoice figures (never recomputed), amounts stay integer
 * cents until a file writes them, and the columns are declared once here (the OpenAPI, the CSV
 * header and the XLSX sheet all read this list).
 */
import type { InvoiceFigures, InvoiceLineFigures, StoredSovLine } from './invoice-figures';
import type { InvoicePaymentStatus, InvoiceStatus } from './invoices';
import { addCents, formatCents, sumCents } from './money';
import type { FieldIssue } from './errors';

import type { AccountingExportStatus } from './accounting-export-statuses';
export { accountingExportStatuses, type AccountingExportStatus } from './accounting-export-statuses';

export const accountingExportFormats = ['csv', 'xlsx'] as const;
export type AccountingExportFormat = (typeof accountingExportFormats)[number];

/** The invoices an export holds: approved ones (as noted too), whatever their payment status. */
export const exportedInvoiceStatuses: readonly InvoiceStatus[] = ['approved', 'approved_as_noted'];

/** How a column's value is written: text as is, money as a 2-place decimal (CSV) or a number (XLSX). */
export type ColumnKind = 'text' | 'money' | 'percent' | 'integer';

/** The line columns, in file order. Names are stable: integrations key on them. */
export const lineColumns = [
  { name: 'projectId', kind: 'text', description: 'The project’s id' },
  { name: 'projectName', kind: 'text', description: 'The project’s name' },
  { name: 'periodId', kind: 'text', description: 'The billing period’s id' },
  { name: 'periodStart', kind: 'text', description: 'The billing period’s first day (YYYY-MM-DD)' },
  { name: 'periodEnd', kind: 'text', description: 'The billing period’s last day (YYYY-MM-DD)' },
  { name: 'invoiceId', kind: 'text', description: 'The subcontractor invoice’s id' },
  { name: 'invoiceNumber', kind: 'text', description: 'The invoice’s number' },
  { name: 'commitmentId', kind: 'text', description: 'The commitment’s id' },
  { name: 'commitmentNumber', kind: 'text', description: 'The commitment’s number (SC-001, PO-002)' },
  { name: 'vendor', kind: 'text', description: 'The commitment’s vendor' },
  { name: 'costCode', kind: 'text', description: 'The line’s cost code (empty when it has none)' },
  { name: 'lineNumber', kind: 'integer', description: 'The line’s position on the invoice, from 1' },
  { name: 'description', kind: 'text', description: 'The schedule-of-values line' },
  { name: 'scheduledValue', kind: 'money', description: 'G703 column C' },
  { name: 'previousWork', kind: 'money', description: 'G703 column D: work completed in previous applications' },
  { name: 'thisPeriodWork', kind: 'money', description: 'G703 column E: work completed this period' },
  { name: 'storedMaterials', kind: 'money', description: 'G703 column F: materials presently stored' },
  { name: 'completedToDate', kind: 'money', description: 'G703 column G: completed and stored to date (its sum is G702 line 4)' },
  { name: 'percent', kind: 'percent', description: 'G ÷ C in percent, 2 places' },
  { name: 'retainageHeldThisPeriod', kind: 'money', description: 'Retainage held this period, work and materials (negative when the base shrank)' },
  { name: 'retainageReleased', kind: 'money', description: 'Retainage released this period' },
  { name: 'retainageHeldToDate', kind: 'money', description: 'G703 column I: retainage currently held (its sum is G702 line 5)' },
  { name: 'amountDue', kind: 'money', description: 'The line’s share of the current payment due: its earned less retainage now less the same on the previous invoice (their sum is G702 line 8)' },
  { name: 'paidAmount', kind: 'money', description: 'Payments recorded against the invoice (the invoice’s figure, repeated on each of its lines)' },
  { name: 'paymentStatus', kind: 'text', description: 'The invoice’s payment status: unpaid, partially_paid or paid' },
  { name: 'invoiceStatus', kind: 'text', description: 'approved or approved_as_noted' },
  { name: 'approvedAt', kind: 'text', description: 'When the invoice was last approved (ISO 8601 instant; empty when its history does not say)' },
  { name: 'currency', kind: 'text', description: 'ISO 4217 code; amounts are in its units with 2 decimals (hundredths, also for JPY)' },
] as const satisfies ReadonlyArray<{ name: string; kind: ColumnKind; description: string }>;
export type LineColumn = (typeof lineColumns)[number]['name'];

export const paymentColumns = [
  { name: 'projectId', kind: 'text', description: 'The project’s id' },
  { name: 'paymentId', kind: 'text', description: 'The payment’s id' },
  { name: 'paymentNumber', kind: 'text', description: 'The payment’s number' },
  { name: 'paidOn', kind: 'text', description: 'The payment date (YYYY-MM-DD)' },
  { name: 'method', kind: 'text', description: 'check, credit_card or electronic' },
  { name: 'checkNumber', kind: 'text', description: 'The check number (checks only)' },
  { name: 'commitmentId', kind: 'text', description: 'The commitment paid' },
  { name: 'commitmentNumber', kind: 'text', description: 'The commitment’s number' },
  { name: 'vendor', kind: 'text', description: 'The commitment’s vendor' },
  { name: 'invoiceId', kind: 'text', description: 'The invoice paid (empty for a payment on the commitment)' },
  { name: 'invoiceNumber', kind: 'text', description: 'That invoice’s number' },
  { name: 'amount', kind: 'money', description: 'The amount paid' },
  { name: 'currency', kind: 'text', description: 'ISO 4217 code' },
] as const satisfies ReadonlyArray<{ name: string; kind: ColumnKind; description: string }>;
export type PaymentColumn = (typeof paymentColumns)[number]['name'];

/** A row: text columns as strings, money as integer cents, percent as a decimal string, integers as numbers. */
export type ExportRow<C extends string> = Record<C, string | number>;

// ---------------------------------------------------------------------------------------------
// The range

export interface ExportRangeInput {
  periodId?: string;
  from?: string;
  to?: string;
}

/** Calendar dates only: 2026-02-30 is refused. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The longest date range one export may cover. */
export const maxExportRangeDays = 366 * 5;

/** Why the range is not one an export can cover, per field (empty when it is): a period, or both dates in order. */
export function exportRangeRefusal(input: ExportRangeInput): FieldIssue[] {
  const { periodId, from, to } = input;
  if (periodId !== undefined) {
    return [from, to].some((value) => value !== undefined)
      ? [{ field: from !== undefined ? 'from' : 'to', message: 'give either periodId or from and to, not both' }]
      : [];
  }
  const issues: FieldIssue[] = [];
  if (from === undefined && to === undefined) return [{ field: 'periodId', message: 'give periodId, or from and to (YYYY-MM-DD)' }];
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (value === undefined) issues.push({ field, message: `required with ${field === 'from' ? 'to' : 'from'} (YYYY-MM-DD)` });
    else if (!isCalendarDate(value)) issues.push({ field, message: 'must be a calendar date, YYYY-MM-DD' });
  }
  if (issues.length > 0) return issues;
  if (to! < from!) return [{ field: 'to', message: `must be on or after from (${from})` }];
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > maxExportRangeDays) return [{ field: 'to', message: `the range covers ${days} days; at most ${maxExportRangeDays}` }];
  return [];
}

/** Whether a date (YYYY-MM-DD) lies in the range, both ends included. */
export const inRange = (date: string, range: { from: string; to: string }) => date >= range.from && date <= range.to;

// ---------------------------------------------------------------------------------------------
// Rows

export interface ExportedInvoice {
  invoiceId: string;
  number: string;
  status: InvoiceStatus;
  paymentStatus: InvoicePaymentStatus;
  paidCents: number;
  figures: InvoiceFigures;
  sovLines: readonly StoredSovLine[];
}

export interface ExportContext {
  project: { projectId: string; name: string; currency: string };
  period: { billingPeriodId: string; startDate: string; endDate: string };
  commitment: { commitmentId: string; number: string; vendorName: string };
  approvedAt: string | undefined;
  /** The commitment's invoice before this one (its lines' figures), when there is one. */
  previous: Pick<InvoiceFigures, 'lines' | 'summary'> | undefined;
}

const earnedLessRetainage = (line: Pick<InvoiceLineFigures, 'completedAndStoredCents' | 'retainageCents'>) => addCents(line.completedAndStoredCents, -line.retainageCents);

/**
 * Each line's share of G702 line 8 (current payment due = line 6 − line 7): its earned less
 * retainage now, less the same on the previous invoice. Line 7 is the previous invoice's line 6,
 * the sum of its lines' shares, so the shares add up to line 8; what line 7 holds beyond the lines
 * this invoice still has (a line gone from the schedule) goes on the last line, so they always do.
 */
export function amountDueByLine(figures: Pick<InvoiceFigures, 'lines' | 'summary'>, previous: Pick<InvoiceFigures, 'lines'> | undefined): number[] {
  const before = new Map((previous?.lines ?? []).map((line) => [line.lineId, earnedLessRetainage(line)]));
  const shares = figures.lines.map((line) => addCents(earnedLessRetainage(line), -(before.get(line.lineId) ?? 0)));
  const rest = addCents(figures.summary.currentPaymentDueCents, -sumCents(shares));
  if (rest !== 0 && shares.length > 0) shares[shares.length - 1] = addCents(shares[shares.length - 1]!, rest);
  return shares;
}

/** One row per invoice line, in the invoice's order. */
export function invoiceLineRows(invoice: ExportedInvoice, context: ExportContext): Array<ExportRow<LineColumn>> {
  const sov = new Map(invoice.sovLines.map((line) => [line.lineId, line]));
  const due = amountDueByLine(invoice.figures, context.previous);
  return invoice.figures.lines.map((line, index) => {
    const sovLine = sov.get(line.lineId);
    return {
      projectId: context.project.projectId,
      projectName: context.project.name,
      periodId: context.period.billingPeriodId,
      periodStart: context.period.startDate,
      periodEnd: context.period.endDate,
      invoiceId: invoice.invoiceId,
      invoiceNumber: invoice.number,
      commitmentId: context.commitment.commitmentId,
      commitmentNumber: context.commitment.number,
      vendor: context.commitment.vendorName,
      costCode: sovLine?.costCode ?? '',
      lineNumber: index + 1,
      description: sovLine?.description ?? '',
      scheduledValue: line.scheduledValueCents,
      previousWork: line.previousWorkCents,
      thisPeriodWork: line.workThisPeriodCents,
      storedMaterials: line.materialsStoredCents,
      completedToDate: line.completedAndStoredCents,
      percent: line.percentCompleteDisplay,
      retainageHeldThisPeriod: addCents(line.workRetainage.retainedThisPeriodCents, line.materialsRetainage.retainedThisPeriodCents),
      retainageReleased: addCents(line.workRetainage.releasedThisPeriodCents, line.materialsRetainage.releasedThisPeriodCents),
      retainageHeldToDate: line.retainageCents,
      amountDue: due[index]!,
      paidAmount: invoice.paidCents,
      paymentStatus: invoice.paymentStatus,
      invoiceStatus: invoice.status,
      approvedAt: context.approvedAt ?? '',
      currency: context.project.currency,
    };
  });
}

/** The totals an export reports: sums of its line rows, and of its payments. */
export interface ExportTotals {
  thisPeriodWorkCents: number;
  completedToDateCents: number;
  retainageHeldToDateCents: number;
  amountDueCents: number;
  paymentsCents: number;
}

export function exportTotals(lines: ReadonlyArray<ExportRow<LineColumn>>, payments: ReadonlyArray<ExportRow<PaymentColumn>>): ExportTotals {
  const sum = (rows: ReadonlyArray<Record<string, string | number>>, column: string) => sumCents(rows.map((row) => row[column] as number));
  return {
    thisPeriodWorkCents: sum(lines, 'thisPeriodWork'),
    completedToDateCents: sum(lines, 'completedToDate'),
    retainageHeldToDateCents: sum(lines, 'retainageHeldToDate'),
    amountDueCents: sum(lines, 'amountDue'),
    paymentsCents: sum(payments, 'amount'),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first)
 * gets a leading apostrophe (OWASP's CSV injection advice). Money and percentages are written by
 * `csvValue` unprefixed: "-12.50" is a number, and a ledger import must read it as one.
 */
export function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A field quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(kind: ColumnKind, value: string | number): string {
  if (kind === 'money') return formatCents(value as number);
  // Numbers we wrote ("-12.50" % of a credited line included): never a formula.
  if (kind === 'integer' || kind === 'percent') return String(value);
  return formulaSafe(String(value));
}

/** The header and rows as CSV records (CRLF-terminated), for writing a record at a time. */
export function* csvRecords<C extends string>(columns: ReadonlyArray<{ name: C; kind: ColumnKind }>, rows: Iterable<ExportRow<C>>): Generator<string> {
  yield columns.map((column) => column.name).join(',') + '\r\n';
  for (const row of rows) yield columns.map((column) => csvField(csvValue(column.kind, row[column.name]))).join(',') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// The job's life

/** How often the consumer takes a job up before it gives up and fails it. */
export const maxExportAttempts = 3;
/** How long one attempt may run (the consumer function's timeout): its lease on the job. */
export const exportAttemptSeconds = 600;
/** A queued job nobody took up in this long lost its request. */
export const exportQueuedLimitMs = 30 * 60 * 1000;
/** A running job this long past its lease had its function end without a word (Lambda's own retries come within minutes). */
export const exportLeaseGraceMs = 10 * 60 * 1000;

/** Why an unfinished job is taken for dead and fails (undefined while it may still finish). */
export function stalledExportReason(job: { status: AccountingExportStatus; createdAt: string; leaseUntil?: string }, now: Date): string | undefined {
  if (job.status === 'queued' && now.getTime() - Date.parse(job.createdAt) > exportQueuedLimitMs) {
    return 'The export never started (its request was lost); request it again';
  }
  if (job.status === 'running' && job.leaseUntil && now.getTime() - Date.parse(job.leaseUntil) > exportLeaseGraceMs) {
    return 'The export stopped before it finished; request it again';
  }
  return undefined;
}
