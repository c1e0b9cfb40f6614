import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import type { ChangeOrderSummary } from '../domain/change-order-summary';
import type { commitmentTypes } from '../domain/commitments';
import { Decimal, formatMoney } from '../domain/money';
import { currencyFractionDigits, defaultCurrency, formatAmount, type Currency } from '../domain/project-settings';
import { termsFor, type Region, type Terms } from '../domain/terminology';
import { Typesetter as UnicodeTypesetter } from './typeset';

/**
 * The invoice PDF (DOMAIN.md "Subcontractor invoices"): page 1 is a G702-style summary
 * (lines 1–9), then G703-style continuation sheets in landscape, one row per line, with the
 * column totals on the last sheet. Pure: every figure, date and the "printed at" instant come
 * in the view model; nothing is computed from the figures, only formatted, so the PDF shows
 * exactly what the server computed.
 *
 * Text in any script (shared/pdf/typeset.ts): subset Noto fonts, one per Unicode range used,
 * right-to-left runs in visual order.
 */

export type InvoiceStatus = 'draft' | 'under_review' | 'revise_and_resubmit' | 'approved' | 'approved_as_noted' | 'pending_owner_approval';
/** The contract billed: a commitment (subcontractor invoices) or the head contract (owner invoices). */
export type CommitmentType = (typeof commitmentTypes)[number] | 'head_contract';

/** One SOV line as a G703 row. Money in integer cents; dates elsewhere as `YYYY-MM-DD`. */
export interface InvoicePdfLine {
  lineId: string;
  /** Column A. */
  itemNumber: string;
  costCode?: string;
  /** Column B: wrapped to two lines, then cut with an ellipsis. */
  description: string;
  scheduledValueCents: number; // C
  fromPreviousCents: number; // D
  thisPeriodCents: number; // E
  materialsStoredCents: number; // F
  totalCompletedCents: number; // G = D + E + F
  /** G ÷ C in percent, as an exact decimal string ("45.5" is 45.5 %); printed to 2 places. */
  percent: string;
  balanceCents: number; // H = C − G
  retainageCents: number; // I
  /** Unit lines only: printed under the description, in the sub-columns of column B. */
  units?: InvoicePdfUnits;
}

/** A unit line's quantities as exact decimal strings ("1250.5"); the unit price in currency units ("85.5"). */
export interface InvoicePdfUnits {
  quantity: string;
  unitOfMeasure?: string;
  unitPrice: string;
  quantityThisPeriod: string;
  quantityToDate: string;
}

/** The G703 totals row: the same columns, summed by the caller. */
export type InvoicePdfTotals = Omit<InvoicePdfLine, 'lineId' | 'itemNumber' | 'costCode' | 'description' | 'units'>;

/** G702 lines 1–9, in cents. */
export interface InvoicePdfSummary {
  originalContractSumCents: number; // 1
  netChangeOrdersCents: number; // 2
  contractSumToDateCents: number; // 3
  totalCompletedAndStoredCents: number; // 4
  retainageWorkCents: number; // 5a
  retainageMaterialsCents: number; // 5b
  retainageTotalCents: number; // 5
  totalEarnedLessRetainageCents: number; // 6
  previousCertificatesCents: number; // 7
  currentPaymentDueCents: number; // 8
  balanceToFinishCents: number; // 9
}

export interface InvoiceDocument {
  /** Picks the terminology (termsFor) and the paper: Letter for en-US and en-CA, A4 otherwise. */
  region: Region;
  project: { name: string; number: string };
  /** The contract billed; for an owner invoice the head contract, its vendor the general contractor (and the owner the "To": `contract.owner`). */
  commitment: { number: string; title: string; type: CommitmentType; vendorName: string };
  invoice: {
    number: string;
    /** 1, 2, … within the commitment. */
    position: number;
    status: InvoiceStatus;
    invoiceDate: string;
    billingPeriod: { start: string; end: string; due: string };
  };
  /** The commitment's rates in percent, exact decimal strings ("10", "7.5"; "0" when off). */
  retainagePercent: { work: string; materials: string };
  lines: InvoicePdfLine[];
  totals: InvoicePdfTotals;
  summary: InvoicePdfSummary;
  /** When the PDF is rendered: printed in the footer and set as its creation date. */
  printedAt: Date;
  /** The project's IANA time zone, in which `printedAt` is printed. */
  timeZone: string;
  /** The project's currency; the region's (USD, CAD, AUD, GBP) when not given. */
  currency?: Currency;
  /** The contract's date (`YYYY-MM-DD`), owner and architect, each printed when known. */
  contract?: { date?: string; owner?: string; architect?: string };
  /**
   * Change orders approved before this billing period and since it began (shared/domain/change-order-summary.ts).
   * Without it the summary prints only the net change (line 2) and says the breakdown is not available.
   */
  changeOrders?: ChangeOrderSummary;
  /** The architect's or owner's certificate once given: left blank for them to fill in until then. */
  certificate?: { amountCertifiedCents: number; differenceExplanation?: string };
}

export type { ChangeOrderSummary };

// ---------------------------------------------------------------------------------------------
// Layout. All sizes in points; the continuation sheets' rows have one fixed height, so the
// number of rows per sheet is a constant that does not depend on the text.

type Paper = readonly [width: number, height: number];
/** Portrait sizes. */
const LETTER: Paper = [612, 792];
const A4: Paper = [595.28, 841.89];

const MARGIN = 28;
const HEADER_HEIGHT = 30;
const COLUMN_HEADER_HEIGHT = 36;
/** Two lines of 7.5 pt text. */
const ROW_HEIGHT = 20;
const TOTALS_HEIGHT = 20;
const FOOTER_HEIGHT = 12;
const BODY_SIZE = 7.5;
const LINE_GAP = 8.5;
const CELL_PAD = 3;

/** Line rows on each continuation sheet; the totals row has its own space below them. */
export const ROWS_PER_SHEET = Math.floor(
  (Math.min(LETTER[0], A4[0]) - 2 * MARGIN - HEADER_HEIGHT - COLUMN_HEADER_HEIGHT - TOTALS_HEIGHT - FOOTER_HEIGHT) / ROW_HEIGHT,
);

/** Continuation sheets for a number of lines: at least one, which then holds only the totals. */
export function continuationSheetCount(lineCount: number): number {
  return Math.max(1, Math.ceil(lineCount / ROWS_PER_SHEET));
}

/** Pages of the whole PDF: the summary page plus the continuation sheets. */
export function invoicePdfPageCount(lineCount: number): number {
  return 1 + continuationSheetCount(lineCount);
}

function paperFor(region: Region): Paper {
  return region === 'en-US' || region === 'en-CA' ? LETTER : A4;
}

// ---------------------------------------------------------------------------------------------
// Formatting: integer and string math only, never floats for money.

// formatMoney and formatAmount live in shared/domain, so that HTTP and email code format money without the PDF library.
export { formatAmount, formatMoney };

/** "1250.5" → "1,250.5": the digits as given, grouped. */
function formatQuantity(value: string): string {
  if (!decimalPattern.test(value)) throw new RangeError(`a quantity must be a decimal string such as "12.5" (got "${value}")`);
  const [whole = '', fraction] = value.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** "85.5" → "$85.50", "1500" in JPY → "¥1,500": at least the currency's decimals, more when the price has them. */
function formatUnitPrice(value: string, currency: Currency): string {
  const [whole = '', fraction = ''] = formatQuantity(value).split('.');
  const digits = fraction.padEnd(currencyFractionDigits(currency.code), '0');
  const figure = digits ? `${whole}.${digits}` : whole;
  return figure.startsWith('-') ? `-${currency.sign}${figure.slice(1)}` : `${currency.sign}${figure}`;
}

const decimalPattern = /^-?\d+(\.\d+)?$/;

function parsePercent(value: string, what: string): Decimal {
  if (!decimalPattern.test(value)) throw new RangeError(`${what} must be a decimal string such as "12.5" (got "${value}")`);
  return new Decimal(value);
}

/** A line's G ÷ C: "8.4231875" → "8.42" (half away from zero). */
function formatLinePercent(value: string): string {
  const fixed = parsePercent(value, 'percent').toFixed(2);
  return fixed === '-0.00' ? '0.00' : fixed;
}

/** A retainage rate as written, without trailing zeros: "10.00" → "10". */
function formatRate(value: string): string {
  const rate = parsePercent(value, 'retainage percent');
  return rate.eq(0) ? '0' : rate.toFixed();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-03-31" → "Mar 31, 2025" (en-US) or "31 Mar 2025": unambiguous in every region. */
export function formatDate(isoDate: string, region: Region): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) throw new RangeError(`a date must be written YYYY-MM-DD (got "${isoDate}")`);
  const day = String(Number(match[3]));
  return region === 'en-US' ? `${month} ${day}, ${match[1]}` : `${day} ${month} ${match[1]}`;
}

/** The instant in the project's time zone: "2 Apr 2025, 09:15 (Australia/Sydney)". */
function formatInstant(instant: Date, timeZone: string, region: Region): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${formatDate(`${part('year')}-${part('month')}-${part('day')}`, region)}, ${part('hour')}:${part('minute')} (${timeZone})`;
}

const statusLabels: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  under_review: 'Under Review',
  revise_and_resubmit: 'Revise and Resubmit',
  approved: 'Approved',
  approved_as_noted: 'Approved as Noted',
  pending_owner_approval: 'Pending Owner Approval',
};

const commitmentTypeLabels: Record<Exclude<CommitmentType, 'head_contract'>, string> = { subcontract: 'Subcontract', purchase_order: 'Purchase Order' };

/** What the contract is called: "Commitment", or the region's term for a head contract ("Head Contract" en-AU). */
function contractWord(type: CommitmentType, terms: Terms): string {
  return type === 'head_contract' ? terms.headContract : 'Commitment';
}

// ---------------------------------------------------------------------------------------------
// Text: every string drawn passes through `Typesetter`, which fits it.

type Align = 'left' | 'right' | 'center';

interface TextOptions {
  size: number;
  bold?: boolean;
  align?: Align;
  /** Too-wide text is cut with an ellipsis (default) or, for figures that must stay whole, shrunk. */
  maxWidth?: number;
  overflow?: 'ellipsis' | 'shrink';
  color?: ReturnType<typeof rgb>;
}

const ELLIPSIS = '\u2026';
const GREY = rgb(0.4, 0.4, 0.4);
const SHADE = rgb(0.94, 0.94, 0.94);
const RULE = rgb(0.6, 0.6, 0.6);

class Typesetter {
  constructor(private readonly text: UnicodeTypesetter) {}

  /** One line of text: whitespace collapsed (no-break spaces kept). */
  printable(text: string): string {
    return text.normalize('NFC').replace(/[^\S\u00a0]+/g, ' ').trim();
  }

  width(text: string, size: number, bold = false): number {
    return this.text.width(text, size, bold);
  }

  /** The longest prefix that fits with an ellipsis after it (the text itself when it fits). */
  ellipsize(text: string, size: number, maxWidth: number, bold = false): string {
    if (this.width(text, size, bold) <= maxWidth) return text;
    const chars = [...text];
    let low = 0;
    let high = chars.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.width(`${chars.slice(0, mid).join('').trimEnd()}${ELLIPSIS}`, size, bold) <= maxWidth) low = mid;
      else high = mid - 1;
    }
    return `${chars.slice(0, low).join('').trimEnd()}${ELLIPSIS}`;
  }

  /** Word-wraps into at most `maxLines` lines; what does not fit ends the last one with an ellipsis. */
  wrap(raw: string, size: number, maxWidth: number, maxLines: number, bold = false): string[] {
    const fits = (line: string) => this.width(line, size, bold) <= maxWidth;
    const lines: string[] = [];
    let rest = this.printable(raw);
    while (rest && lines.length < maxLines - 1 && !fits(rest)) {
      const words = rest.split(' ');
      let line = words[0] ?? '';
      let used = 1;
      if (!fits(line)) {
        // A word wider than the column is broken where it overflows.
        line = this.ellipsize(line, size, maxWidth, bold).slice(0, -1) || [...line][0] || '';
        rest = rest.slice(line.length).trimStart();
      } else {
        while (used < words.length && fits(`${line} ${words[used]}`)) line = `${line} ${words[used++]}`;
        rest = words.slice(used).join(' ');
      }
      lines.push(line);
    }
    if (rest) lines.push(this.ellipsize(rest, size, maxWidth, bold));
    return lines;
  }

  /** Draws one line of text at a baseline; `x` is its left, right or centre edge per `align`. */
  draw(page: PDFPage, raw: string, x: number, y: number, options: TextOptions): void {
    const { bold = false, align = 'left', maxWidth, overflow = 'ellipsis', color } = options;
    let size = options.size;
    let text = this.printable(raw);
    if (maxWidth !== undefined) {
      const width = this.width(text, size, bold);
      if (width > maxWidth) {
        if (overflow === 'shrink') size = (size * maxWidth) / width;
        else text = this.ellipsize(text, size, maxWidth, bold);
      }
    }
    if (!text) return;
    const width = this.width(text, size, bold);
    const left = align === 'left' ? x : align === 'right' ? x - width : x - width / 2;
    this.text.draw(page, text, { x: left, y, size, bold, ...(color ? { color } : {}) });
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

interface Column {
  letter: string;
  name: string;
  width: number;
  cell: (line: InvoicePdfTotals) => string;
}

/** The G703 columns; money in the currency's decimals (no sign: the G702 names the currency). */
function sheetColumns(terms: Terms, usableWidth: number, fractionDigits: number): Array<Column & { x: number }> {
  const money = (name: string, letter: string, cell: (line: InvoicePdfTotals) => number): Column => ({
    letter,
    name,
    width: 70,
    cell: (line) => formatMoney(cell(line), fractionDigits),
  });
  const fixed: Column[] = [
    { letter: 'A', name: 'Item No.\u00a0/ Cost\u00a0Code', width: 54, cell: () => '' },
    { letter: 'B', name: 'Description of Work', width: 0, cell: () => '' },
    money('Scheduled Value', 'C', (line) => line.scheduledValueCents),
    money('From Previous Application (D\u00a0+\u00a0E)', 'D', (line) => line.fromPreviousCents),
    money('Work Completed This Period', 'E', (line) => line.thisPeriodCents),
    money('Materials Presently Stored (not in D\u00a0or\u00a0E)', 'F', (line) => line.materialsStoredCents),
    money('Total Completed and Stored to Date (D\u00a0+\u00a0E\u00a0+\u00a0F)', 'G', (line) => line.totalCompletedCents),
    { letter: '%', name: '(G \u00f7 C)', width: 34, cell: (line) => formatLinePercent(line.percent) },
    money('Balance to Finish (C\u00a0-\u00a0G)', 'H', (line) => line.balanceCents),
    money(terms.retainage, 'I', (line) => line.retainageCents),
  ];
  const description = fixed[1];
  if (description) description.width = usableWidth - fixed.reduce((sum, column) => sum + column.width, 0);
  let x = MARGIN;
  return fixed.map((column) => {
    const placed = { ...column, x };
    x += column.width;
    return placed;
  });
}

interface UnitSubColumn {
  name: string;
  x: number;
  width: number;
  align: 'left' | 'right';
  cell: (units: InvoicePdfUnits) => string;
}

/** Column B's sub-columns for unit lines: quantity, unit, unit price, quantity this period and to date. */
function unitSubColumns(description: Column & { x: number }, currency: Currency): UnitSubColumn[] {
  const shares: Array<Omit<UnitSubColumn, 'x' | 'width'> & { share: number }> = [
    { name: 'Quantity', share: 0.2, align: 'right', cell: (units) => formatQuantity(units.quantity) },
    { name: 'Unit', share: 0.14, align: 'left', cell: (units) => units.unitOfMeasure ?? '' },
    { name: 'Unit Price', share: 0.26, align: 'right', cell: (units) => formatUnitPrice(units.unitPrice, currency) },
    { name: 'Qty This Period', share: 0.2, align: 'right', cell: (units) => formatQuantity(units.quantityThisPeriod) },
    { name: 'Qty to Date', share: 0.2, align: 'right', cell: (units) => formatQuantity(units.quantityToDate) },
  ];
  const gap = 3;
  const usable = description.width - 2 * CELL_PAD - gap * (shares.length - 1);
  let x = description.x + CELL_PAD;
  return shares.map(({ share, ...column }) => {
    const width = usable * share;
    const placed = { ...column, x, width };
    x += width + gap;
    return placed;
  });
}

/** Renders the invoice as a PDF: a G702-style summary page, then G703-style continuation sheets. */
export async function renderInvoicePdf(doc: InvoiceDocument): Promise<Uint8Array> {
  const terms = termsFor(doc.region);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const type = new Typesetter(new UnicodeTypesetter(pdf));
  const pageCount = invoicePdfPageCount(doc.lines.length);
  const printed = `Printed ${formatInstant(doc.printedAt, doc.timeZone, doc.region)}`;
  const [paperWidth, paperHeight] = paperFor(doc.region);

  const headerAndFooter = (page: PDFPage, heading: string, pageNumber: number) => {
    const { width, height } = page.getSize();
    const top = height - MARGIN;
    const half = (width - 2 * MARGIN) / 2 - 6;
    type.draw(page, heading, MARGIN, top - 10, { size: 10, bold: true, maxWidth: half });
    type.draw(page, `${contractWord(doc.commitment.type, terms)} ${doc.commitment.number}: ${doc.commitment.title}`, width - MARGIN, top - 10, {
      size: 10,
      bold: true,
      align: 'right',
      maxWidth: half,
    });
    type.draw(page, `Project: ${doc.project.name} (${doc.project.number})`, MARGIN, top - 22, { size: 8, maxWidth: half });
    // The billing period is printed whole; the vendor gets the room left beside it, cut with an ellipsis.
    const period = `\u00b7 Billing period ${periodText()}`;
    const periodWidth = Math.min(type.width(period, 8), half);
    type.draw(page, period, width - MARGIN, top - 22, { size: 8, align: 'right', maxWidth: half, overflow: 'shrink' });
    const gap = type.width(' ', 8);
    type.draw(page, doc.commitment.vendorName, width - MARGIN - periodWidth - gap, top - 22, { size: 8, align: 'right', maxWidth: half - periodWidth - gap });
    page.drawLine({ start: { x: MARGIN, y: top - 26 }, end: { x: width - MARGIN, y: top - 26 }, thickness: 0.75, color: RULE });
    type.draw(page, printed, MARGIN, MARGIN, { size: 7, maxWidth: half });
    type.draw(page, `Page ${pageNumber} of ${pageCount}`, width - MARGIN, MARGIN, { size: 8, align: 'right' });
  };
  const periodText = () =>
    `${formatDate(doc.invoice.billingPeriod.start, doc.region)} to ${formatDate(doc.invoice.billingPeriod.end, doc.region)}`;

  // Page 1: the G702-style summary, portrait.
  const summaryPage = pdf.addPage([paperWidth, paperHeight]);
  headerAndFooter(summaryPage, `${terms.invoice} ${doc.invoice.number}`, 1);
  drawSummary(summaryPage, type, doc, terms, periodText());

  // Continuation sheets, landscape.
  const sheets = continuationSheetCount(doc.lines.length);
  const currency = doc.currency ?? defaultCurrency(doc.region);
  const columns = sheetColumns(terms, paperHeight - 2 * MARGIN, currencyFractionDigits(currency.code));
  const description = columns[1];
  const unitColumns = description && doc.lines.some((line) => line.units) ? unitSubColumns(description, currency) : undefined;
  for (let sheet = 0; sheet < sheets; sheet++) {
    const page = pdf.addPage([paperHeight, paperWidth]);
    headerAndFooter(page, `${terms.invoice} ${doc.invoice.number} \u2014 Continuation Sheet`, sheet + 2);
    const rows = doc.lines.slice(sheet * ROWS_PER_SHEET, (sheet + 1) * ROWS_PER_SHEET);
    drawSheet(page, type, columns, rows, sheet === sheets - 1 ? doc.totals : undefined, unitColumns);
  }

  const title = `${terms.invoice} ${doc.invoice.number} \u2014 ${doc.commitment.number} ${doc.commitment.title}`;
  pdf.setTitle(title);
  pdf.setSubject(
    `${doc.project.name} (${doc.project.number}): ${terms.invoice} ${doc.invoice.number} from ${doc.commitment.vendorName}, billing period ${periodText()}`,
  );
  pdf.setAuthor(doc.commitment.vendorName);
  pdf.setKeywords([doc.project.number, doc.commitment.number, doc.invoice.number]);
  pdf.setCreator('Progress Claims');
  pdf.setProducer('Progress Claims invoice renderer (pdf-lib)');
  pdf.setLanguage(doc.region);
  pdf.setCreationDate(doc.printedAt);
  pdf.setModificationDate(doc.printedAt);
  return pdf.save();
}

function drawSummary(page: PDFPage, type: Typesetter, doc: InvoiceDocument, terms: Terms, period: string): void {
  const { width, height } = page.getSize();
  const usable = width - 2 * MARGIN;
  const currency = doc.currency ?? defaultCurrency(doc.region);
  const amount = (cents: number) => formatAmount(cents, currency);
  let y = height - MARGIN - HEADER_HEIGHT - 22;
  type.draw(page, `${terms.invoice} \u2014 Application and Certificate for Payment`, MARGIN, y, {
    size: 15,
    bold: true,
    maxWidth: usable,
    overflow: 'shrink',
  });

  // Who, what and when, in two columns of label: value.
  y -= 24;
  const columnWidth = usable / 2 - 8;
  const unknown = '\u2014';
  const { type: contractType } = doc.commitment;
  const contract = contractWord(contractType, terms);
  const info: Array<Array<[string, string]>> = [
    [
      ['Project', doc.project.name],
      ['Project No.', doc.project.number],
      [contractType === 'head_contract' ? 'To (Owner)' : 'Owner', doc.contract?.owner ?? unknown],
      ['Architect', doc.contract?.architect ?? unknown],
      [contract, contractType === 'head_contract' ? doc.commitment.number : `${doc.commitment.number} (${commitmentTypeLabels[contractType]})`],
      [`${contract} title`, doc.commitment.title],
      ['Contractor', doc.commitment.vendorName],
      ['Contract date', doc.contract?.date ? formatDate(doc.contract.date, doc.region) : unknown],
    ],
    [
      [`${terms.invoice} No.`, doc.invoice.number],
      [`${terms.invoice} position`, String(doc.invoice.position)],
      ['Status', statusLabels[doc.invoice.status]],
      [`${terms.invoice} date`, formatDate(doc.invoice.invoiceDate, doc.region)],
      ['Billing period', period],
      ['Due date', formatDate(doc.invoice.billingPeriod.due, doc.region)],
      ['Currency', `${currency.code} (${currency.sign})`],
    ],
  ];
  info.forEach((rows, index) => {
    const x = MARGIN + index * (columnWidth + 16);
    // Labels are never cut: the widest one (e.g. "Payment Application date") sets the value's left edge.
    const labelWidth = Math.max(...rows.map(([label]) => type.width(type.printable(label), 8.5, true))) + 10;
    rows.forEach(([label, value], row) => {
      const rowY = y - row * INFO_ROW;
      type.draw(page, label, x, rowY, { size: 8.5, bold: true });
      type.draw(page, value, x + labelWidth, rowY, { size: 8.5, maxWidth: columnWidth - labelWidth });
    });
  });

  // Lines 1–9.
  y -= 7 * INFO_ROW + 20;
  type.draw(page, `${terms.invoice} Summary`, MARGIN, y, { size: 10.5, bold: true });
  y -= 6;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: width - MARGIN, y }, thickness: 0.75, color: RULE });
  const s = doc.summary;
  const r = terms.retainage;
  const lines: Array<{ number: string; label: string; cents?: number; indent?: boolean; strong?: boolean }> = [
    { number: '1.', label: 'Original Contract Sum', cents: s.originalContractSumCents },
    { number: '2.', label: 'Net Change by Change Orders', cents: s.netChangeOrdersCents },
    { number: '3.', label: 'Contract Sum to Date (Line 1 + Line 2)', cents: s.contractSumToDateCents },
    { number: '4.', label: 'Total Completed and Stored to Date (Column G)', cents: s.totalCompletedAndStoredCents },
    { number: '5.', label: `${r}:` },
    {
      number: '',
      label: `a. ${formatRate(doc.retainagePercent.work)}% of Completed Work (Columns D + E)`,
      cents: s.retainageWorkCents,
      indent: true,
    },
    {
      number: '',
      label: `b. ${formatRate(doc.retainagePercent.materials)}% of Stored Materials (Column F)`,
      cents: s.retainageMaterialsCents,
      indent: true,
    },
    { number: '', label: `Total ${r} (Line 5a + Line 5b, Column I)`, cents: s.retainageTotalCents, indent: true },
    { number: '6.', label: `Total Earned Less ${r} (Line 4 - Line 5 Total)`, cents: s.totalEarnedLessRetainageCents },
    {
      number: '7.',
      label: `Less Previous Certificates for Payment (Line 6 of the previous ${terms.invoice})`,
      cents: s.previousCertificatesCents,
    },
    { number: '8.', label: 'Current Payment Due (Line 6 - Line 7)', cents: s.currentPaymentDueCents, strong: true },
    { number: '9.', label: `Balance to Finish, Including ${r} (Line 3 - Line 6)`, cents: s.balanceToFinishCents },
  ];
  const amountWidth = 120;
  const amountRight = width - MARGIN - CELL_PAD;
  y -= 2;
  for (const line of lines) {
    y -= SUMMARY_ROW;
    if (line.strong) page.drawRectangle({ x: MARGIN, y: y - 4, width: usable, height: 14, color: SHADE });
    const labelX = MARGIN + 22 + (line.indent ? 16 : 0);
    type.draw(page, line.number, MARGIN + CELL_PAD, y, { size: 9, bold: true });
    type.draw(page, line.label, labelX, y, { size: 9, bold: line.strong, maxWidth: amountRight - amountWidth - labelX });
    if (line.cents !== undefined) {
      type.draw(page, amount(line.cents), amountRight, y, { size: 9, bold: line.strong, align: 'right', maxWidth: amountWidth, overflow: 'shrink' });
    }
  }
  y -= 16;
  const sheets = continuationSheetCount(doc.lines.length);
  const where = sheets === 1 ? 'page 2' : `pages 2\u2013${sheets + 1}`;
  type.draw(page, `Each of the ${doc.lines.length} lines is detailed on the continuation sheets (${where}).`, MARGIN, y, {
    size: 8,
    maxWidth: usable,
    color: GREY,
  });

  drawCertificates(page, type, doc, amount);
}

// ---------------------------------------------------------------------------------------------
// The certificates under the summary: change orders and the contractor's certification (with the
// notary where the region uses one) on the left, the architect's/owner's certificate on the right.
// Their places depend only on the paper, so `invoiceSignatureFields` can say where to sign.

const INFO_ROW = 11.5;
const SUMMARY_ROW = 14;
/** From the page's top edge to the top of the certificates: the summary above is fixed in height. */
const CERTIFICATES_TOP = 414;
const CERTIFICATE_GAP = 16;
const SIGNATURE_HEIGHT = 22;
const SMALL = 7;
const SMALL_GAP = 8.3;

export type SignatureRole = 'contractor' | 'notary' | 'certifier';

/** Where a signature goes on page 1 (PDF user space: points from the bottom-left corner). */
export interface SignatureField {
  role: SignatureRole;
  label: string;
  pageIndex: 0;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Regions whose certification is sworn before a notary (the AIA G702 form's own notary block). */
function usesNotary(region: Region): boolean {
  return region === 'en-US';
}

function certificateColumns(region: Region) {
  const [width, height] = paperFor(region);
  const columnWidth = (width - 2 * MARGIN - CERTIFICATE_GAP) / 2;
  return { top: height - CERTIFICATES_TOP, columnWidth, left: MARGIN, right: MARGIN + columnWidth + CERTIFICATE_GAP };
}

/** Offsets below the certificates' top of each signature box's top edge. */
const SIGNATURE_OFFSETS: Record<SignatureRole, number> = { contractor: 140, notary: 248, certifier: 168 };

/**
 * The signature fields on the invoice PDF's first page: the contractor's certification, the
 * notary's (en-US) and the architect's/owner's certificate. E-signatures are placed here.
 */
export function invoiceSignatureFields(region: Region): SignatureField[] {
  const { top, columnWidth, left, right } = certificateColumns(region);
  const field = (role: SignatureRole, label: string, x: number): SignatureField => ({
    role,
    label,
    pageIndex: 0,
    x,
    y: top - SIGNATURE_OFFSETS[role] - SIGNATURE_HEIGHT,
    width: columnWidth,
    height: SIGNATURE_HEIGHT,
  });
  return [
    field('contractor', 'Contractor', left),
    ...(usesNotary(region) ? [field('notary', 'Notary Public', left)] : []),
    field('certifier', 'Architect / Owner', right),
  ];
}

const contractorCertification =
  'The undersigned Contractor certifies that to the best of the Contractor\u2019s knowledge, information and belief the Work covered by this Application for Payment has been completed in accordance with the Contract Documents, that all amounts have been paid by the Contractor for Work for which previous Certificates for Payment were issued and payments received from the Owner, and that the current payment shown herein is now due.';
const architectCertification =
  'In accordance with the Contract Documents, based on evaluation of the Work and the data comprising this application, the Architect or Owner certifies that to the best of their knowledge, information and belief the Work has progressed as indicated, the quality of the Work is in accordance with the Contract Documents, and the Contractor is entitled to payment of the AMOUNT CERTIFIED.';
const differenceNote =
  'Attach an explanation if the amount certified differs from the amount applied for. Initial all figures on this Application and on the Continuation Sheets that are changed to conform with the amount certified.';
const notNegotiable =
  'This Certificate is not negotiable. The AMOUNT CERTIFIED is payable only to the Contractor named herein. Issuance, payment and acceptance of payment are without prejudice to any rights of the Owner or Contractor under this Contract.';

function drawCertificates(page: PDFPage, type: Typesetter, doc: InvoiceDocument, amount: (cents: number) => string): void {
  const { top, columnWidth, left, right } = certificateColumns(doc.region);
  const signatures = new Map(invoiceSignatureFields(doc.region).map((field) => [field.role, field]));
  const paragraph = (text: string, x: number, y: number, maxLines: number) =>
    type.wrap(text, SMALL, columnWidth, maxLines).forEach((line, index) => type.draw(page, line, x, y - index * SMALL_GAP, { size: SMALL }));
  const heading = (text: string, x: number, y: number) => type.draw(page, text, x, y, { size: 9, bold: true, maxWidth: columnWidth });
  /** A label with a rule to write on after it, and the value on the rule when known. */
  const blank = (label: string, x: number, y: number, fieldWidth: number, value?: string) => {
    type.draw(page, label, x, y, { size: 7.5, bold: true });
    const from = x + type.width(type.printable(label), 7.5, true) + 4;
    page.drawLine({ start: { x: from, y: y - 2 }, end: { x: x + fieldWidth, y: y - 2 }, thickness: 0.5, color: RULE });
    if (value) type.draw(page, value, from + 2, y, { size: 7.5, maxWidth: x + fieldWidth - from - 2 });
  };
  const signatureBox = (role: SignatureRole) => {
    const field = signatures.get(role);
    if (!field) return;
    page.drawRectangle({ x: field.x, y: field.y, width: field.width, height: field.height, borderColor: RULE, borderWidth: 0.5 });
    type.draw(page, `Signature (${field.label})`, field.x + CELL_PAD, field.y + CELL_PAD, { size: 6, color: GREY });
  };

  // Left: the change-order summary.
  let y = top;
  heading('Change Order Summary', left, y);
  const figureColumns = [left + columnWidth - 70, left + columnWidth];
  type.draw(page, 'Additions', figureColumns[0]!, y, { size: SMALL, bold: true, align: 'right' });
  type.draw(page, 'Deductions', figureColumns[1]!, y, { size: SMALL, bold: true, align: 'right' });
  const co = doc.changeOrders;
  const rows: Array<[string, number | undefined, number | undefined]> = co
    ? [
        ['Approved in previous months', co.previousMonths.additionsCents, co.previousMonths.deductionsCents],
        ['Approved this month', co.thisMonth.additionsCents, co.thisMonth.deductionsCents],
        ['Totals', co.previousMonths.additionsCents + co.thisMonth.additionsCents, co.previousMonths.deductionsCents + co.thisMonth.deductionsCents],
      ]
    : [
        ['Approved in previous months', undefined, undefined],
        ['Approved this month', undefined, undefined],
      ];
  rows.forEach(([label, additions, deductions], index) => {
    const rowY = y - 11 - index * 10;
    type.draw(page, label, left, rowY, { size: SMALL, bold: label === 'Totals', maxWidth: columnWidth - 150 });
    type.draw(page, additions === undefined ? '\u2014' : amount(additions), figureColumns[0]!, rowY, { size: SMALL, align: 'right', maxWidth: 68, overflow: 'shrink' });
    type.draw(page, deductions === undefined ? '\u2014' : amount(deductions), figureColumns[1]!, rowY, { size: SMALL, align: 'right', maxWidth: 68, overflow: 'shrink' });
  });
  const netY = y - 11 - 3 * 10;
  type.draw(page, 'Net change by change orders (Line 2)', left, netY, { size: SMALL, bold: true });
  type.draw(page, amount(doc.summary.netChangeOrdersCents), figureColumns[1]!, netY, { size: SMALL, bold: true, align: 'right', maxWidth: 90, overflow: 'shrink' });
  if (!co) type.draw(page, 'Breakdown by month not available for this invoice.', left, netY - 10, { size: 6.5, color: GREY, maxWidth: columnWidth });

  // Left: the contractor's certification and signature.
  y = top - 62;
  heading('Contractor\u2019s Certification', left, y);
  paragraph(contractorCertification, left, y - 11, 6);
  blank('Contractor:', left, top - 128, columnWidth, doc.commitment.vendorName);
  signatureBox('contractor');
  const nameY = top - 140 - SIGNATURE_HEIGHT - 14;
  blank('Name:', left, nameY, columnWidth * 0.55);
  blank('Title:', left + columnWidth * 0.58, nameY, columnWidth * 0.42);
  blank('Date:', left, nameY - 14, columnWidth * 0.55);

  if (usesNotary(doc.region)) {
    y = top - 212;
    heading('Notary', left, y);
    blank('State of:', left, y - 13, columnWidth * 0.55);
    blank('County of:', left + columnWidth * 0.58, y - 13, columnWidth * 0.42);
    type.draw(page, 'Subscribed and sworn to before me on (date):', left, y - 25, { size: SMALL, maxWidth: columnWidth });
    page.drawLine({ start: { x: left + 160, y: y - 27 }, end: { x: left + columnWidth, y: y - 27 }, thickness: 0.5, color: RULE });
    signatureBox('notary');
    blank('My commission expires:', left, top - 248 - SIGNATURE_HEIGHT - 14, columnWidth);
  }

  // Right: the architect's/owner's certificate.
  y = top;
  heading('Architect\u2019s / Owner\u2019s Certificate for Payment', right, y);
  paragraph(architectCertification, right, y - 11, 6);
  const applied = doc.summary.currentPaymentDueCents;
  type.draw(page, 'Amount applied for (Line 8)', right, top - 70, { size: 7.5, bold: true });
  type.draw(page, amount(applied), right + columnWidth, top - 70, { size: 7.5, align: 'right', maxWidth: 100, overflow: 'shrink' });
  page.drawRectangle({ x: right, y: top - 88, width: columnWidth, height: 14, borderColor: RULE, borderWidth: 0.75 });
  type.draw(page, 'AMOUNT CERTIFIED', right + CELL_PAD, top - 84, { size: 8, bold: true });
  const certified = doc.certificate?.amountCertifiedCents;
  type.draw(page, certified === undefined ? '' : amount(certified), right + columnWidth - CELL_PAD, top - 84, { size: 8, bold: true, align: 'right', maxWidth: 110, overflow: 'shrink' });
  paragraph(differenceNote, right, top - 98, 3);
  blank('Explanation of difference:', right, top - 125, columnWidth, doc.certificate?.differenceExplanation);
  page.drawLine({ start: { x: right, y: top - 139 }, end: { x: right + columnWidth, y: top - 139 }, thickness: 0.5, color: RULE });
  blank('Architect / Owner:', right, top - 156, columnWidth, doc.contract?.architect ?? doc.contract?.owner);
  signatureBox('certifier');
  blank('Date:', right, top - 168 - SIGNATURE_HEIGHT - 14, columnWidth * 0.55);
  paragraph(notNegotiable, right, top - 168 - SIGNATURE_HEIGHT - 30, 4);
}

function drawSheet(
  page: PDFPage,
  type: Typesetter,
  columns: Array<Column & { x: number }>,
  rows: InvoicePdfLine[],
  totals: InvoicePdfTotals | undefined,
  unitColumns: UnitSubColumn[] | undefined,
): void {
  const { width, height } = page.getSize();
  const tableTop = height - MARGIN - HEADER_HEIGHT;
  const rowsTop = tableTop - COLUMN_HEADER_HEIGHT;
  const inner = (column: { width: number }) => column.width - 2 * CELL_PAD;

  // Column headers: letter, then the name in up to three lines.
  page.drawRectangle({ x: MARGIN, y: rowsTop, width: width - 2 * MARGIN, height: COLUMN_HEADER_HEIGHT, color: SHADE });
  for (const column of columns) {
    const centre = column.x + column.width / 2;
    type.draw(page, column.letter, centre, tableTop - 9, { size: 7.5, bold: true, align: 'center' });
    type.wrap(column.name, 6.5, inner(column), 3, true).forEach((text, index) => {
      type.draw(page, text, centre, tableTop - 17 - index * 7, { size: 6.5, bold: true, align: 'center' });
    });
  }
  for (const unit of unitColumns ?? []) {
    const x = unit.align === 'left' ? unit.x : unit.x + unit.width;
    type.draw(page, unit.name, x, rowsTop + 5, { size: 5.5, bold: true, align: unit.align, maxWidth: unit.width, overflow: 'shrink' });
  }

  let y = rowsTop;
  rows.forEach((line, index) => {
    if (index % 2 === 1) page.drawRectangle({ x: MARGIN, y: y - ROW_HEIGHT, width: width - 2 * MARGIN, height: ROW_HEIGHT, color: SHADE });
    const first = y - 8;
    for (const column of columns) {
      if (column.letter === 'A') {
        type.draw(page, line.itemNumber, column.x + CELL_PAD, first, { size: BODY_SIZE, maxWidth: inner(column) });
        if (line.costCode) {
          type.draw(page, line.costCode, column.x + CELL_PAD, first - LINE_GAP, { size: 6.5, maxWidth: inner(column) });
        }
      } else if (column.letter === 'B') {
        // A unit line's description keeps one line: the second holds its quantities.
        const units = unitColumns && line.units;
        type.wrap(line.description, BODY_SIZE, inner(column), units ? 1 : 2).forEach((text, lineIndex) => {
          type.draw(page, text, column.x + CELL_PAD, first - lineIndex * LINE_GAP, { size: BODY_SIZE });
        });
        if (units) {
          for (const unit of unitColumns) {
            const x = unit.align === 'left' ? unit.x : unit.x + unit.width;
            type.draw(page, unit.cell(units), x, first - LINE_GAP, { size: 6.5, align: unit.align, maxWidth: unit.width, overflow: 'shrink' });
          }
        }
      } else {
        type.draw(page, column.cell(line), column.x + column.width - CELL_PAD, first, {
          size: BODY_SIZE,
          align: 'right',
          maxWidth: inner(column),
          overflow: 'shrink',
        });
      }
    }
    y -= ROW_HEIGHT;
  });
  if (rows.length === 0) {
    const description = columns[1];
    if (description) type.draw(page, 'No lines.', description.x + CELL_PAD, y - 8, { size: BODY_SIZE, color: GREY });
    y -= ROW_HEIGHT;
  }

  let bottom = y;
  if (totals) {
    page.drawLine({ start: { x: MARGIN, y }, end: { x: width - MARGIN, y }, thickness: 1 });
    const first = y - 8;
    for (const column of columns) {
      if (column.letter === 'A') continue;
      if (column.letter === 'B') type.draw(page, 'Grand Total', column.x + CELL_PAD, first, { size: BODY_SIZE, bold: true });
      else {
        type.draw(page, column.cell(totals), column.x + column.width - CELL_PAD, first, {
          size: BODY_SIZE,
          bold: true,
          align: 'right',
          maxWidth: inner(column),
          overflow: 'shrink',
        });
      }
    }
    bottom = y - TOTALS_HEIGHT + 6;
  }

  // Grid: the table's frame and column boundaries.
  const frame = { thickness: 0.5, color: RULE };
  page.drawLine({ start: { x: MARGIN, y: tableTop }, end: { x: width - MARGIN, y: tableTop }, ...frame });
  page.drawLine({ start: { x: MARGIN, y: rowsTop }, end: { x: width - MARGIN, y: rowsTop }, ...frame });
  page.drawLine({ start: { x: MARGIN, y: bottom }, end: { x: width - MARGIN, y: bottom }, ...frame });
  for (const x of [...columns.map((column) => column.x), width - MARGIN]) {
    page.drawLine({ start: { x, y: tableTop }, end: { x, y: bottom }, ...frame });
  }
}
