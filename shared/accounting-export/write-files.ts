import { pdfUpload } from '../backup/task-io';
import { csvRecords, lineColumns, paymentColumns, type ColumnKind, type ExportRow } from '../domain/accounting-exports';
import type { InvoiceSummary } from '../domain/invoice-figures';
import type { GatheredExport, GatheredInvoice } from './gather';
import { XlsxWriter, type SheetRow } from './xlsx-writer';

/**
 * The export's files, each streamed into S3 as it is produced (a multipart upload past 8 MB, so
 * memory holds a few parts, never the file): the CSVs a record at a time, the workbook a sheet's
 * block of rows at a time through our small XLSX writer (xlsx-writer.ts).
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

function cellValue(kind: ColumnKind, value: string | number): string | number {
  if (kind === 'money') return amount(value as number);
  // "50.00" → 0.5, shown as 50.00 % by the column's format.
  if (kind === 'percent') return Number(value) / 100;
  return value;
}

/** The workbook's cell formats: money in the export's currency, percent, each plain or bold. */
function workbookStyles(xlsx: XlsxWriter, currency: string) {
  const money = `#,##0.00 "${currency}";-#,##0.00 "${currency}"`;
  return {
    bold: xlsx.style({ bold: true }),
    money: xlsx.style({ numFmt: money }),
    percent: xlsx.style({ numFmt: '0.00%' }),
    boldMoney: xlsx.style({ bold: true, numFmt: money }),
    boldPercent: xlsx.style({ bold: true, numFmt: '0.00%' }),
  };
}
type Styles = ReturnType<typeof workbookStyles>;

/** A sheet of `columns` with a bold frozen header, numbers as numbers in their formats. */
function tableSheet<C extends string>(xlsx: XlsxWriter, name: string, columns: ReadonlyArray<{ name: C; kind: ColumnKind }>, rows: ReadonlyArray<ExportRow<C>>, styles: Styles) {
  const columnStyle = (kind: ColumnKind) => (kind === 'money' ? styles.money : kind === 'percent' ? styles.percent : undefined);
  function* sheetRows(): Generator<SheetRow> {
    yield { values: columns.map((column) => column.name), styles: columns.map(() => styles.bold) };
    for (const row of rows) yield { values: columns.map((column) => cellValue(column.kind, row[column.name])) };
  }
  return xlsx.sheet(name, { frozenRows: 1, columns: columns.map((column) => ({ width: column.kind === 'text' ? 18 : 14, style: columnStyle(column.kind) })) }, sheetRows());
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

/** The G703 sheet's rows: numbers from column C in the currency's format, column H (G ÷ C) in percent. */
function* g703Rows({ invoice, commitment, period }: GatheredInvoice, currency: string, styles: Styles): Generator<SheetRow> {
  const row = (values: Array<string | number | null>, style: { bold?: boolean; moneyFrom?: number } = {}): SheetRow => ({
    values,
    styles: values.map((value, index) => {
      const column = index + 1;
      if (typeof value === 'number' && style.moneyFrom !== undefined && column >= style.moneyFrom) {
        if (column === 8) return style.bold ? styles.boldPercent : styles.percent;
        return style.bold ? styles.boldMoney : styles.money;
      }
      return style.bold ? styles.bold : undefined;
    }),
  });
  yield row([`Continuation sheet (G703): ${commitment.number} ${commitment.title}, ${commitment.vendorName}`], { bold: true });
  yield row([`Invoice ${invoice.number} (${invoice.invoiceId}), period ${period.startDate} to ${period.endDate}, ${invoice.status}, ${currency}`]);
  yield row([]);
  yield row(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'G ÷ C', 'H', 'I'], { bold: true });
  yield row(
    ['Item no.', 'Description of work', 'Scheduled value', 'From previous application', 'This period', 'Materials presently stored', 'Completed and stored to date', '%', 'Balance to finish', 'Retainage'],
    { bold: true },
  );
  const sov = new Map(invoice.sovLines.map((line) => [line.lineId, line]));
  for (const [index, line] of invoice.figures.lines.entries()) {
    const sovLine = sov.get(line.lineId);
    const description = [sovLine?.costCode, sovLine?.description].filter(Boolean).join(' ');
    yield row(
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
  }
  const t = invoice.figures.totals;
  yield row(
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
  yield row([]);
  yield row([null, 'Application for payment (G702)'], { bold: true });
  for (const [label, cents] of g702Lines(invoice.figures.summary)) yield row([null, label, amount(cents)], { moneyFrom: 3, bold: label.startsWith('8.') });
}

const g703Columns = [8, 40, 16, 16, 16, 16, 16, 10, 16, 16].map((width) => ({ width }));

/** The workbook: Lines, Payments, then a G703/G702 sheet per invoice in the Lines' order. */
export function writeWorkbook(key: string, data: GatheredExport): Promise<number> {
  return streamToS3(key, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', async (write) => {
    const xlsx = new XlsxWriter(write);
    const styles = workbookStyles(xlsx, data.currency);
    await tableSheet(xlsx, 'Lines', lineColumns, data.lines, styles);
    await tableSheet(xlsx, 'Payments', paymentColumns, data.payments, styles);
    for (const item of data.invoices) await xlsx.sheet(`G703 ${item.commitment.number} #${item.invoice.number}`, { columns: g703Columns }, g703Rows(item, data.currency, styles));
    await xlsx.end();
  });
}
