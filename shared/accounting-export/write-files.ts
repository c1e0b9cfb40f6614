import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import { pdfUpload } from '../backup/task-io';
import { csvRecords, lineColumns, paymentColumns, type ColumnKind, type ExportRow } from '../domain/accounting-exports';
import type { InvoiceSummary } from '../domain/invoice-figures';
import type { GatheredExport, GatheredInvoice } from './gather';

/**
 * The export's files, each streamed into S3 as it is produced (a multipart upload past 8 MB, so
 * memory holds a few parts, never the file): the CSVs a record at a time, the workbook through
 * exceljs's streaming writer. exceljs is imported here only, by the export function alone.
 */

type Upload = ReturnType<typeof pdfUpload>;

/** Runs `produce` with a sink whose bytes go to `key`; the upload is aborted if anything fails. Its size in bytes. */
async function streamToS3(key: string, contentType: string, produce: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>): Promise<number> {
  const upload: Upload = pdfUpload(key, contentType);
  let bytes = 0;
  try {
    await produce(async (chunk) => {
      bytes += chunk.byteLength;
      await upload.write(chunk);
    });
    await upload.end();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  return bytes;
}

/** A CSV (UTF-8 without a BOM, CRLF) written to `key` in chunks of about 64 KB. */
export function writeCsv<C extends string>(key: string, columns: ReadonlyArray<{ name: C; kind: ColumnKind }>, rows: Iterable<ExportRow<C>>): Promise<number> {
  return streamToS3(key, 'text/csv; charset=utf-8', async (write) => {
    let buffered: string[] = [];
    let length = 0;
    for (const record of csvRecords(columns, rows)) {
      buffered.push(record);
      length += record.length;
      if (length >= 64 * 1024) {
        await write(Buffer.from(buffered.join(''), 'utf8'));
        buffered = [];
        length = 0;
      }
    }
    if (buffered.length > 0) await write(Buffer.from(buffered.join(''), 'utf8'));
  });
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** Money as the currency's amount (cents ÷ 100, exact to the cent in a double far beyond any contract). */
const amount = (cents: number) => cents / 100;
const moneyFormat = (currency: string) => `#,##0.00 "${currency}";-#,##0.00 "${currency}"`;

function cellValue(kind: ColumnKind, value: string | number): string | number {
  if (kind === 'money') return amount(value as number);
  // "50.00" → 0.5, shown as 50.00 % by the column's format.
  if (kind === 'percent') return Number(value) / 100;
  return value;
}

function columnFormat(kind: ColumnKind, currency: string): string | undefined {
  if (kind === 'money') return moneyFormat(currency);
  if (kind === 'percent') return '0.00%';
  return undefined;
}

/** A sheet of `columns` with a bold frozen header, numbers as numbers in their formats. */
function tableSheet<C extends string>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: ReadonlyArray<{ name: C; kind: ColumnKind }>,
  rows: ReadonlyArray<ExportRow<C>>,
  currency: string,
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => {
    const numFmt = columnFormat(column.kind, currency);
    return { header: column.name, key: column.name, width: column.kind === 'text' ? 18 : 14, ...(numFmt && { style: { numFmt } }) };
  });
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const row of rows) sheet.addRow(columns.map((column) => cellValue(column.kind, row[column.name]))).commit();
  sheet.commit();
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook (case aside). */
function sheetNamer(): (wanted: string) => string {
  const used = new Set<string>();
  return (wanted) => {
    const clean = wanted.replace(/[:\\/?*[\]]/g, '-').slice(0, 31);
    let name = clean;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${clean.slice(0, 31 - String(n).length - 1)}~${n}`;
    used.add(name.toLowerCase());
    return name;
  };
}

const g702Lines = (s: InvoiceSummary): Array<[string, number]> => [
  ['1. Original contract sum', s.originalContractSumCents],
  ['2. Net change by change orders', s.netChangeByChangeOrdersCents],
  ['3. Contract sum to date (1 + 2)', s.contractSumToDateCents],
  ['4. Total completed and stored to date (G)', s.totalCompletedAndStoredCents],
  ['5a. Retainage on completed work', s.workRetainageCents],
  ['5b. Retainage on stored materials', s.materialsRetainageCents],
  ['5. Total retainage (I)', s.totalRetainageCents],
  ['6. Total earned less retainage (4 − 5)', s.totalEarnedLessRetainageCents],
  ['7. Less previous certificates for payment', s.previousCertificatesCents],
  ['8. Current payment due (6 − 7)', s.currentPaymentDueCents],
  ['9. Balance to finish, including retainage (3 − 6)', s.balanceToFinishIncludingRetainageCents],
];

/** One invoice's continuation sheet (G703 columns A–I, with G ÷ C) and its totals row, then its G702 summary. */
function g703Sheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, item: GatheredInvoice, currency: string): void {
  const { invoice, commitment, period } = item;
  const sheet = workbook.addWorksheet(name);
  const money = moneyFormat(currency);
  sheet.columns = [8, 40, 16, 16, 16, 16, 16, 10, 16, 16].map((width) => ({ width }));
  const add = (values: Array<string | number | null>, style: { bold?: boolean; moneyFrom?: number } = {}) => {
    const row = sheet.addRow(values);
    if (style.bold) row.font = { bold: true };
    if (style.moneyFrom !== undefined) {
      row.eachCell((cell, column) => {
        if (typeof cell.value === 'number' && column >= style.moneyFrom!) cell.numFmt = column === 8 ? '0.00%' : money;
      });
    }
    row.commit();
  };
  add([`Continuation sheet (G703): ${commitment.number} ${commitment.title}, ${commitment.vendorName}`], { bold: true });
  add([`Invoice ${invoice.number} (${invoice.invoiceId}), period ${period.startDate} to ${period.endDate}, ${invoice.status}, ${currency}`]);
  add([]);
  add(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'G ÷ C', 'H', 'I'], { bold: true });
  add(
    ['Item no.', 'Description of work', 'Scheduled value', 'From previous application', 'This period', 'Materials presently stored', 'Completed and stored to date', '%', 'Balance to finish', 'Retainage'],
    { bold: true },
  );
  const sov = new Map(invoice.sovLines.map((line) => [line.lineId, line]));
  invoice.figures.lines.forEach((line, index) => {
    const sovLine = sov.get(line.lineId);
    const description = [sovLine?.costCode, sovLine?.description].filter(Boolean).join(' ');
    add(
      [
        index + 1,
        description,
        amount(line.scheduledValueCents),
        amount(line.previousWorkCents),
        amount(line.workThisPeriodCents),
        amount(line.materialsStoredCents),
        amount(line.completedAndStoredCents),
        Number(line.percentCompleteDisplay) / 100,
        amount(line.balanceToFinishCents),
        amount(line.retainageCents),
      ],
      { moneyFrom: 3 },
    );
  });
  const t = invoice.figures.totals;
  add(
    [
      null,
      'Totals',
      amount(t.scheduledValueCents),
      amount(t.previousWorkCents),
      amount(t.workThisPeriodCents),
      amount(t.materialsStoredCents),
      amount(t.completedAndStoredCents),
      Number(t.percentCompleteDisplay) / 100,
      amount(t.balanceToFinishCents),
      amount(t.retainageCents),
    ],
    { bold: true, moneyFrom: 3 },
  );
  add([]);
  add([null, 'Application for payment (G702)'], { bold: true });
  for (const [label, cents] of g702Lines(invoice.figures.summary)) add([null, label, amount(cents)], { moneyFrom: 3, bold: label.startsWith('8.') });
  sheet.commit();
}

/** The workbook: Lines, Payments, then a G703/G702 sheet per invoice in the Lines' order. */
export function writeWorkbook(key: string, data: GatheredExport): Promise<number> {
  return streamToS3(key, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', async (write) => {
    const stream = new PassThrough();
    const consumed = (async () => {
      for await (const chunk of stream) await write(chunk as Buffer);
    })();
    const workbook = new WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    const produced = (async () => {
      const nameOf = sheetNamer();
      tableSheet(workbook, nameOf('Lines'), lineColumns, data.lines, data.currency);
      tableSheet(workbook, nameOf('Payments'), paymentColumns, data.payments, data.currency);
      for (const item of data.invoices) g703Sheet(workbook, nameOf(`G703 ${item.commitment.number} #${item.invoice.number}`), item, data.currency);
      await workbook.commit();
    })();
    // Whichever side fails first fails the file (Promise.all does not wait for the other, which a
    // stalled stream could keep pending); the stream is destroyed so neither side writes on.
    const stop = (error: unknown) => {
      stream.destroy(error as Error);
      throw error;
    };
    const sides = [produced.catch(stop), consumed.catch(stop)];
    for (const side of sides) side.catch(() => undefined);
    await Promise.all(sides);
  });
}
