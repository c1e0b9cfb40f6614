import Big from 'big.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Region } from '../../shared/domain/terminology';
import {
  continuationSheetCount,
  formatAmount,
  invoiceSignatureFields,
  formatMoney,
  invoicePdfPageCount,
  renderInvoicePdf,
  ROWS_PER_SHEET,
  type InvoiceDocument,
} from '../../shared/pdf/invoice-pdf';
import { lineDescription, manyLineInvoice, threeLineInvoice } from '../support/invoice-fixtures';
import { fontCount } from '../support/pdf-fixtures';

/**
 * The invoice PDF checked with the tools a reader would trust: qpdf for the file's structure,
 * poppler's pdftotext and pdfinfo for what it shows. The tools are required (CI installs them
 * in .ci/run): a missing one makes execFileSync throw, so these tests fail, never skip.
 */

const dir = mkdtempSync(join(tmpdir(), 'invoice-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function save(pdf: Uint8Array): string {
  const file = join(dir, `invoice-${++fileCount}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/** qpdf exits 0 only without errors or warnings; any other exit throws here. */
function qpdfCheck(file: string): string {
  return execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
}

/** pdftotext -layout, one string per page. */
function pageTexts(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  return text.split('\f').slice(0, -1);
}

function pdfInfo(file: string): Record<string, string> {
  const output = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
  const entries = output.split('\n').map((line) => /^([^:]+):\s*(.*)$/.exec(line));
  return Object.fromEntries(entries.flatMap((match) => (match ? [[match[1], match[2]]] : [])));
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Each page's size and words with their boxes (pdftotext -bbox; y grows downwards). */
function pageWords(file: string): Array<{ width: number; height: number; words: Word[] }> {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map(([, width, height, body]) => ({
    width: Number(width),
    height: Number(height),
    words: [...(body ?? '').matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<\/word>/g)].map(
      ([, xMin, yMin, xMax, yMax, text]) => ({ text: text ?? '', xMin: Number(xMin), yMin: Number(yMin), xMax: Number(xMax), yMax: Number(yMax) }),
    ),
  }));
}

const MARGIN = 28;
const aud = { code: 'AUD', sign: '$' };

/** poppler's metrics for the standard fonts differ from pdf-lib's by a fraction of a point over a line. */
const SLACK = 1;

/** Every word inside the margins, and nothing but the footer in the bottom band of a page. */
function expectLaidOutWithinPages(file: string): void {
  pageWords(file).forEach(({ width, height, words }, index) => {
    for (const word of words) {
      expect(word.xMin, word.text).toBeGreaterThanOrEqual(MARGIN - SLACK);
      expect(word.xMax, word.text).toBeLessThanOrEqual(width - MARGIN + SLACK);
      expect(word.yMin, word.text).toBeGreaterThanOrEqual(MARGIN - SLACK);
      expect(word.yMax, word.text).toBeLessThanOrEqual(height - MARGIN + 3);
    }
    const footer = words.filter((word) => word.yMin > height - MARGIN - 14).map((word) => word.text);
    expect(footer.join(' ')).toMatch(new RegExp(`^Printed .* Page ${index + 1} of \\d+$`));
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label and its amount at the end of the same printed line (spaces in the label match any run of them). */
const labelled = (label: string, amount: string) =>
  new RegExp(`${escape(label).replace(/ +/g, '\\s+')}\\s.*\\s${escape(amount)}\\s*$`, 'm');

describe('formatMoney', () => {
  it('formats integer cents with thousands separators, two decimals and a leading minus', () => {
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(99_999)).toBe('999.99');
    expect(formatMoney(154_313)).toBe('1,543.13');
    expect(formatMoney(-100_000_000)).toBe('-1,000,000.00');
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91');
  });

  it('writes the currency’s decimals: none (JPY, KRW) unless hundredths are there, three (BHD) padded', () => {
    expect(formatMoney(123_456_700, 0)).toBe('1,234,567');
    expect(formatMoney(-500, 0)).toBe('-5');
    expect(formatMoney(0, 0)).toBe('0');
    // Never rounded away: a computed ¥12.50 keeps its hundredths, so the columns still add up.
    expect(formatMoney(1_250, 0)).toBe('12.50');
    expect(formatMoney(123_456, 3)).toBe('1,234.560');
    expect(formatAmount(123_456_700, { code: 'JPY', sign: '¥' })).toBe('¥1,234,567');
    expect(formatAmount(-5_000_000_000, { code: 'KRW', sign: '₩' })).toBe('-₩50,000,000');
    expect(formatAmount(123_456, { code: 'KWD', sign: 'KWD' })).toBe('KWD\u00a01,234.560');
  });

  it('refuses what is not a whole number of cents', () => {
    expect(() => formatMoney(1.5)).toThrow();
    expect(() => formatMoney(Number.MAX_SAFE_INTEGER + 1)).toThrow();
  });
});

describe('pagination rule', () => {
  it('puts ROWS_PER_SHEET lines on each continuation sheet, after the summary page', () => {
    expect(ROWS_PER_SHEET).toBeGreaterThanOrEqual(20);
    expect(continuationSheetCount(0)).toBe(1);
    expect(continuationSheetCount(ROWS_PER_SHEET)).toBe(1);
    expect(continuationSheetCount(ROWS_PER_SHEET + 1)).toBe(2);
    expect(invoicePdfPageCount(250)).toBe(1 + Math.ceil(250 / ROWS_PER_SHEET));
  });
});

describe('renderInvoicePdf: a 3-line invoice (en-US)', () => {
  const doc = threeLineInvoice('en-US');
  let file: string;
  let pages: string[];
  beforeAll(async () => {
    file = save(await renderInvoicePdf(doc));
    pages = pageTexts(file);
  });

  it('passes qpdf --check', () => {
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
  });

  it('has a summary page and one continuation sheet, numbered "Page n of 2", each naming the invoice and commitment', () => {
    expect(pdfInfo(file).Pages).toBe('2');
    expect(pages).toHaveLength(2);
    pages.forEach((text, index) => {
      expect(text).toContain(`Page ${index + 1} of 2`);
      expect(text).toContain('INV-0002');
      expect(text).toContain('Commitment SC-001: Concrete and electrical works');
    });
  });

  it('shows the G702 lines 1–9 with their labels, amounts and retainage rates on page 1', () => {
    const summary = pages[0] ?? '';
    expect(summary).toContain('Invoice — Application and Certificate for Payment');
    expect(summary).toMatch(labelled('Invoice No.', 'INV-0002'));
    expect(summary).toContain('Apex Builders Pty Ltd');
    expect(summary).toContain('Mar 1, 2025 to Mar 31, 2025');
    expect(summary).toMatch(labelled('1. Original Contract Sum', '$173,000.00'));
    expect(summary).toMatch(labelled('2. Net Change by Change Orders', '-$2,500.00'));
    expect(summary).toMatch(labelled('3. Contract Sum to Date', '$170,500.00'));
    expect(summary).toMatch(labelled('4. Total Completed and Stored to Date', '$77,793.13'));
    expect(summary).toMatch(/5\.\s+Retainage:\s*$/m);
    expect(summary).toMatch(labelled('a. 10% of Completed Work', '$7,529.31'));
    expect(summary).toMatch(labelled('b. 5% of Stored Materials', '$125.00'));
    expect(summary).toMatch(labelled('Total Retainage', '$7,654.31'));
    expect(summary).toMatch(labelled('6. Total Earned Less Retainage', '$70,138.82'));
    expect(summary).toMatch(labelled('7. Less Previous Certificates for Payment (Line 6 of the previous Invoice)', '$45,000.00'));
    expect(summary).toMatch(labelled('8. Current Payment Due', '$25,138.82'));
    expect(summary).toMatch(labelled('9. Balance to Finish, Including Retainage', '$100,361.18'));
  });

  it('shows the G703 columns A–I, one row per line with right-aligned figures, and the totals row', () => {
    const sheet = pages[1] ?? '';
    expect(sheet).toMatch(/^\s*A\s+B\s+C\s+D\s+E\s+F\s+G\s+%\s+H\s+I\s*$/m);
    for (const name of ['Description of Work', 'Scheduled Value', 'From Previous', 'This Period', 'Materials Presently', 'Balance to Finish']) {
      expect(sheet).toContain(name);
    }
    const row = (cells: string[]) => new RegExp(cells.map(escape).join('\\s+'));
    expect(sheet).toMatch(row(['1', 'Site preparation and earthworks', '125,000.00', '50,000.00', '25,000.00', '0.00', '75,000.00', '60.00', '50,000.00', '7,500.00']));
    expect(sheet).toMatch(row(['2', 'Electrical rough-in', '48,000.00', '0.00', '1,543.13', '2,500.00', '4,043.13', '8.42', '43,956.87', '279.31']));
    expect(sheet).toMatch(row(['3', 'Deduct: delete feature wall (CO-004)', '-2,500.00', '0.00', '-1,250.00', '0.00', '-1,250.00', '50.00', '-1,250.00', '-125.00']));
    expect(sheet).toMatch(row(['Grand Total', '170,500.00', '50,000.00', '25,293.13', '2,500.00', '77,793.13', '45.63', '92,706.87', '7,654.31']));
    for (const costCode of ['02-200', '16-100', '09-900']) expect(sheet).toContain(costCode);
  });

  it('sets the metadata from the input, including the creation date', () => {
    expect(pdfInfo(file)).toMatchObject({
      Title: 'Invoice INV-0002 — SC-001 Concrete and electrical works',
      Subject: expect.stringContaining('Harbour View Tower (P-2025-014): Invoice INV-0002 from Apex Builders Pty Ltd'),
      Author: 'Apex Builders Pty Ltd',
      Creator: 'Progress Claims',
      Producer: 'Progress Claims invoice renderer (pdf-lib)',
      CreationDate: '2025-04-02T09:15:00Z',
      ModDate: '2025-04-02T09:15:00Z',
      'Page size': expect.stringContaining('612 x 792'),
    });
    expect(pages[0]).toContain('Printed Apr 2, 2025, 09:15 (UTC)');
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const [first, second] = await Promise.all([renderInvoicePdf(doc), renderInvoicePdf(doc)]);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });
});

describe('renderInvoicePdf: terminology and paper by region', () => {
  const cases: Array<[Region, { sign: string; invoice: string; retainage: string; absent: string[]; paper: string; date: string }]> = [
    ['en-US', { sign: '$', invoice: 'Invoice', retainage: 'Retainage', absent: ['Retention', 'Holdback', 'Progress Claim'], paper: '612 x 792', date: 'Mar 28, 2025' }],
    ['en-AU', { sign: '$', invoice: 'Progress Claim', retainage: 'Retention', absent: ['Retainage', 'Holdback', 'Invoice'], paper: '595.28 x 841.89', date: '28 Mar 2025' }],
    ['en-CA', { sign: '$', invoice: 'Invoice', retainage: 'Holdback', absent: ['Retainage', 'Retention', 'Progress Claim'], paper: '612 x 792', date: '28 Mar 2025' }],
    ['en-GB', { sign: '£', invoice: 'Payment Application', retainage: 'Retention', absent: ['Retainage', 'Holdback', 'Invoice'], paper: '595.28 x 841.89', date: '28 Mar 2025' }],
  ];

  it.each(cases)('%s', async (region, expected) => {
    const file = save(await renderInvoicePdf(threeLineInvoice(region)));
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
    const [summary = '', sheet = ''] = pageTexts(file);
    const { invoice, retainage, sign } = expected;
    expect(summary).toContain(`${invoice} — Application and Certificate for Payment`);
    expect(summary).toMatch(labelled(`${invoice} No.`, 'INV-0002'));
    expect(summary).toMatch(new RegExp(`5\\.\\s+${retainage}:`));
    expect(summary).toMatch(labelled(`Total ${retainage} (Line 5a + Line 5b, Column I)`, `${sign}7,654.31`));
    expect(summary).toMatch(labelled(`Less Previous Certificates for Payment (Line 6 of the previous ${invoice})`, `${sign}45,000.00`));
    expect(summary).toMatch(labelled(`9. Balance to Finish, Including ${retainage}`, `${sign}100,361.18`));
    expect(summary).toMatch(labelled(`${invoice} date`, expected.date));
    expect(sheet).toContain(`${invoice} INV-0002 — Continuation Sheet`);
    expect(sheet).toMatch(new RegExp(`Balance to Finish\\s+${retainage}\\s*$`, 'm'));
    for (const word of expected.absent) expect(`${summary}\n${sheet}`).not.toContain(word);
    expect(pdfInfo(file)['Page size']).toContain(expected.paper);
  });
});

describe('renderInvoicePdf: a 250-line invoice (en-AU)', () => {
  const doc = manyLineInvoice(250, 'en-AU');
  const expectedPages = 1 + Math.ceil(250 / ROWS_PER_SHEET);
  let pdf: Uint8Array;
  let file: string;
  let pages: string[];
  beforeAll(async () => {
    pdf = await renderInvoicePdf(doc);
    file = save(pdf);
    pages = pageTexts(file);
  });

  it('passes qpdf --check', () => {
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
  });

  it('has 1 + ceil(250 / ROWS_PER_SHEET) pages, numbered "Page n of N", each naming the invoice and commitment', () => {
    expect(Number(pdfInfo(file).Pages)).toBe(expectedPages);
    expect(pages).toHaveLength(expectedPages);
    pages.forEach((text, index) => {
      expect(text).toContain(`Page ${index + 1} of ${expectedPages}`);
      expect(text).toContain('Progress Claim INV-0002');
      expect(text).toContain('Commitment SC-001: Concrete and electrical works');
    });
  });

  it('prints every description once, whole, on the sheet its position puts it on, in order', () => {
    expect(doc.lines.map((line) => line.description)).toEqual(Array.from({ length: 250 }, (_, index) => lineDescription(index)));
    doc.lines.forEach((line, index) => {
      const expectedPage = 1 + Math.floor(index / ROWS_PER_SHEET);
      const found = pages.flatMap((text, page) => (text.includes(line.description) ? [page] : []));
      expect(found, line.description).toEqual([expectedPage]);
      // The whole row sits on one printed line: item number, description, then the figures.
      expect(pages[expectedPage]).toMatch(
        new RegExp(`^${line.itemNumber}\\s+${escape(line.description)}\\s+${escape(formatMoney(line.scheduledValueCents))}\\s`, 'm'),
      );
    });
    for (const text of pages.slice(1)) {
      const order = [...text.matchAll(/Line (\d{3}) /g)].map((match) => Number(match[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('shows the G702 totals on page 1 and the G703 totals row only on the last sheet', () => {
    const { summary, totals } = doc;
    const first = pages[0] ?? '';
    expect(first).toContain('Progress Claim — Application and Certificate for Payment');
    expect(first).toMatch(labelled('1. Original Contract Sum', formatAmount(summary.originalContractSumCents, aud)));
    expect(first).toMatch(labelled('4. Total Completed and Stored to Date', formatAmount(summary.totalCompletedAndStoredCents, aud)));
    expect(first).toMatch(labelled('Total Retention', formatAmount(summary.retainageTotalCents, aud)));
    expect(first).toMatch(labelled('8. Current Payment Due', formatAmount(summary.currentPaymentDueCents, aud)));
    expect(first).toMatch(labelled('9. Balance to Finish, Including Retention', formatAmount(summary.balanceToFinishCents, aud)));
    expect(formatMoney(summary.totalCompletedAndStoredCents)).toMatch(/^\d{1,3}(,\d{3})+\.\d{2}$/);

    const totalsRow = new RegExp(
      ['Grand Total', ...[totals.scheduledValueCents, totals.fromPreviousCents, totals.thisPeriodCents, totals.materialsStoredCents, totals.totalCompletedCents].map((cents) => formatMoney(cents))]
        .concat([new Big(totals.percent).toFixed(2, Big.roundHalfUp), formatMoney(totals.balanceCents), formatMoney(totals.retainageCents)])
        .map(escape)
        .join('\\s+'),
    );
    expect(pages.at(-1)).toMatch(totalsRow);
    expect(pages.slice(0, -1).join('\n')).not.toContain('Grand Total');
  });

  it('keeps every word inside the margins and rows clear of the footer', () => {
    expectLaidOutWithinPages(file);
  });

  it('embeds each font once, not per page or row', async () => {
    // Regular and bold Latin, each a Type0 font and its CIDFont descendant.
    expect(await fontCount(pdf)).toBe(4);
  });
});

describe('renderInvoicePdf: text the layout must fit or the fonts cannot encode', () => {
  const longDescription =
    'Supply and install precast concrete panels including crane hire, temporary propping, grouting and sealant to all joints on levels 1 to 12 of the east and west elevations';

  function awkwardInvoice(): InvoiceDocument {
    const doc = threeLineInvoice('en-US');
    const [first, second, third] = doc.lines;
    if (!first || !second || !third) throw new Error('fixture has three lines');
    return {
      ...doc,
      project: { name: '🏗 Harbour View Tower', number: 'P-2025-014' },
      commitment: { ...doc.commitment, title: `Concrete works ${'and more '.repeat(30)}end`, vendorName: 'Société Générale Bâtiment' },
      lines: [
        { ...first, description: longDescription },
        { ...second, description: '混凝土 slab – Zone 3 ✓ \uE000', itemNumber: '1.2.3.4.5.6.7.8.9.10' },
        { ...third, scheduledValueCents: Number.MAX_SAFE_INTEGER },
      ],
    };
  }

  it("prints CJK and Latin accents, and '?' only for a character no font has", async () => {
    const file = save(await renderInvoicePdf(awkwardInvoice()));
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
    const [summary = '', sheet = ''] = pageTexts(file);
    // ✓ is in a fallback family (Noto Emoji's range claims it without a glyph); a private-use character is in none.
    expect(sheet).toContain('混凝土 slab – Zone 3 ✓ ?');
    expect(summary).toContain('🏗 Harbour View Tower');
    expect(summary).toContain('Société Générale Bâtiment');
  });

  it('round-trips Latin Extended, Greek, Cyrillic, CJK, Korean, Hebrew, Arabic and emoji through pdftotext', async () => {
    const names = ['Łódź Budownictwo', 'Ελληνικά Έργα', 'Строительство Москва', '東京建設', '서울건설 주식회사', 'בניין ירושלים', 'مرحبا بالعالم', 'Crane 😀 hire'];
    const doc = threeLineInvoice('en-AU');
    const file = save(
      await renderInvoicePdf({
        ...doc,
        commitment: { ...doc.commitment, vendorName: names[4]! },
        lines: names.map((description, index) => ({ ...doc.lines[0]!, lineId: `line-${index}`, description })),
      }),
    );
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
    // poppler marks right-to-left runs with embedding controls and may give Arabic presentation forms.
    const text = pageTexts(file).join('\n').normalize('NFKC').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
    for (const name of names) expect(text).toContain(name);
  });

  it('wraps a long description onto a second line ending in an ellipsis, cuts long text and shrinks wide figures', async () => {
    const file = save(await renderInvoicePdf(awkwardInvoice()));
    const [summary = '', sheet = ''] = pageTexts(file);
    const descriptionLines = sheet.split('\n').filter((line) => /Supply and install|propping|…/.test(line));
    expect(descriptionLines.length).toBeGreaterThanOrEqual(2);
    expect(sheet).toMatch(/^1\s+Supply and install precast\b/m);
    expect(sheet).toMatch(/…/);
    expect(sheet).not.toContain('west elevations');
    expect(summary).toMatch(/Commitment SC-001: Concrete works and more .*…/);
    expect(sheet).toContain('90,071,992,547,409.91');
    expectLaidOutWithinPages(file);
  });

  it('keeps the billing period whole beside a long vendor name, which is cut with an ellipsis and overlaps nothing', async () => {
    const doc = threeLineInvoice('en-AU');
    const vendorName = 'Consolidated Mechanical, Electrical, Hydraulic and Fire Protection Services of Greater Western Sydney Pty Ltd';
    const file = save(await renderInvoicePdf({ ...doc, commitment: { ...doc.commitment, vendorName } }));
    const pages = pageWords(file);
    expect(pages).toHaveLength(2);
    for (const { width, words } of pages) {
      // The header's second line: the project on the left, vendor and period on the right.
      const billing = words.find((word) => word.text === 'Billing')!;
      const line = words.filter((word) => Math.abs(word.yMin - billing.yMin) < 1).sort((a, b) => a.xMin - b.xMin);
      const text = line.map((word) => word.text).join(' ');
      expect(text).toMatch(/^Project: .* Consolidated Mechanical,.*… · Billing period 1 Mar 2025 to 31 Mar 2025$/);
      expect(text).not.toContain('Pty Ltd');
      expect(line.at(-1)!.xMax).toBeLessThanOrEqual(width - MARGIN + SLACK);
      // Left to right without overlapping: each word ends before the next begins.
      for (const [index, word] of line.entries()) if (index > 0) expect(word.xMin, word.text).toBeGreaterThanOrEqual(line[index - 1]!.xMax - 0.01);
      // The vendor starts right of the page's middle: clear of the project on the left.
      expect(line.find((word) => word.text === 'Consolidated')!.xMin).toBeGreaterThan(width / 2);
    }
    expectLaidOutWithinPages(file);
  });

  it('renders an invoice without lines as a summary page and one sheet with the totals', async () => {
    const doc = { ...threeLineInvoice('en-GB'), lines: [] };
    const file = save(await renderInvoicePdf(doc));
    expect(qpdfCheck(file)).toContain('No syntax or stream encoding errors found');
    const pages = pageTexts(file);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('No lines.');
    expect(pages[1]).toContain('Grand Total');
    expect(pages[1]).toContain('Page 2 of 2');
  });

  it('refuses a malformed percentage or date rather than printing a wrong figure', async () => {
    const doc = threeLineInvoice();
    await expect(renderInvoicePdf({ ...doc, retainagePercent: { work: '10%', materials: '5' } })).rejects.toThrow(RangeError);
    await expect(renderInvoicePdf({ ...doc, invoice: { ...doc.invoice, invoiceDate: '28/03/2025' } })).rejects.toThrow(RangeError);
  });
});

describe('renderInvoicePdf: the G702 certificates', () => {
  it('prints the contractor certification, notary (en-US), change orders, contract parties and the amount certified', async () => {
    const doc: InvoiceDocument = {
      ...threeLineInvoice('en-US'),
      contract: { date: '2024-11-04', owner: 'Harbour Holdings LLC', architect: 'Stone & Partners' },
      changeOrders: { previousMonths: { additionsCents: 120_000, deductionsCents: 250_000 }, thisMonth: { additionsCents: 30_000, deductionsCents: 0 } },
      certificate: { amountCertifiedCents: 2_400_000, differenceExplanation: 'Line 2 rough-in not inspected' },
    };
    const [summary = ''] = pageTexts(save(await renderInvoicePdf(doc)));
    expect(summary).toContain('Contractor’s Certification');
    expect(summary).toContain('the current payment shown herein is now due');
    expect(summary).toMatch(/Owner\s+Harbour Holdings LLC/);
    expect(summary).toMatch(/Architect\s+Stone & Partners/);
    expect(summary).toMatch(/Contract date\s+Nov 4, 2024/);
    expect(summary).toMatch(/Currency\s+USD \(\$\)/);
    expect(summary).toMatch(/Approved in previous months\s+\$1,200\.00\s+\$2,500\.00/);
    expect(summary).toMatch(/Approved this month\s+\$300\.00\s+\$0\.00/);
    expect(summary).toMatch(/Totals\s+\$1,500\.00\s+\$2,500\.00/);
    expect(summary).toMatch(/Net change by change orders \(Line 2\)\s+-\$2,500\.00/);
    expect(summary).toMatch(/Amount applied for \(Line 8\)\s+\$25,138\.82/);
    expect(summary).toMatch(/AMOUNT CERTIFIED\s+\$24,000\.00/);
    expect(summary).toContain('Attach an explanation if the amount certified differs from the amount applied for');
    expect(summary).toMatch(/Explanation of difference:\s+Line 2 rough-in not inspected/);
    expect(summary).toContain('Notary');
    expect(summary).toContain('My commission expires:');
    for (const label of ['Signature (Contractor)', 'Signature (Notary Public)', 'Signature (Architect / Owner)']) expect(summary).toContain(label);
  });

  it('leaves the notary out outside the US, prints the regional currency and says when change orders have no monthly breakdown', async () => {
    const file = save(await renderInvoicePdf(threeLineInvoice('en-GB')));
    const [summary = ''] = pageTexts(file);
    expect(summary).not.toContain('Notary');
    expect(summary).toMatch(/Currency\s+GBP \(£\)/);
    expect(summary).toMatch(labelled('8. Current Payment Due', '£25,138.82'));
    expect(summary).toContain('Breakdown by month not available for this invoice.');
    expect(summary).toMatch(/Contract date\s+—/);
    expectLaidOutWithinPages(file);
  });

  it.each(['en-US', 'en-AU', 'en-CA', 'en-GB'] as const)('invoiceSignatureFields(%s): boxes on page 1, inside the margins, around the signature labels', async (region) => {
    const fields = invoiceSignatureFields(region);
    expect(fields.map((field) => field.role)).toEqual(region === 'en-US' ? ['contractor', 'notary', 'certifier'] : ['contractor', 'certifier']);
    const [page] = pageWords(save(await renderInvoicePdf(threeLineInvoice(region))));
    const { width = 0, height = 0, words = [] } = page ?? {};
    for (const field of fields) {
      expect(field.pageIndex).toBe(0);
      expect(field.x).toBeGreaterThanOrEqual(MARGIN);
      expect(field.x + field.width).toBeLessThanOrEqual(width - MARGIN + SLACK);
      expect(field.y).toBeGreaterThan(MARGIN + 20);
      // The box's label is inside it; no other text is (pdftotext's y grows downwards).
      const inside = words.filter((word) => word.xMin >= field.x && word.xMax <= field.x + field.width && height - word.yMax >= field.y - SLACK && height - word.yMin <= field.y + field.height + SLACK);
      expect(inside.map((word) => word.text).join(' ')).toMatch(/^Signature \(.+\)$/);
    }
  });
});

describe('renderInvoicePdf: zero-decimal currencies', () => {
  it('prints yen without decimals on the G702, the G703 and unit prices: ¥1,234,567', async () => {
    const base = threeLineInvoice('en-AU');
    const doc: InvoiceDocument = {
      ...base,
      currency: { code: 'JPY', sign: '¥' },
      summary: { ...base.summary, currentPaymentDueCents: 123_456_700 },
      lines: base.lines.map((line, index) =>
        index === 1 ? { ...line, units: { quantity: '12', unitOfMeasure: 'set', unitPrice: '1500', quantityThisPeriod: '2', quantityToDate: '4' } } : line,
      ),
    };
    const file = save(await renderInvoicePdf(doc));
    const [summary = '', sheet = ''] = pageTexts(file);
    expect(summary).toMatch(/Currency\s+JPY \(¥\)/);
    expect(summary).toMatch(labelled('8. Current Payment Due', '¥1,234,567'));
    expect(summary).toMatch(labelled('1. Original Contract Sum', '¥173,000'));
    // Line 1: C 125,000, D 50,000, E 25,000, F 0; line 2's E is ¥1,543.13 (hundredths kept, not rounded away).
    expect(sheet).toMatch(/Site preparation and earthworks\s+125,000\s+50,000\s+25,000\s+0\s+75,000\s/);
    expect(sheet).toMatch(/\s1,543\.13\s/);
    expect(sheet).toMatch(/12\s+set\s+¥1,500\s+2\s+4/);
    expectLaidOutWithinPages(file);
  });
});

describe('renderInvoicePdf: unit lines on the G703', () => {
  it('prints quantity, unit, unit price, quantity this period and to date under a unit line, and nothing of the kind under amount lines', async () => {
    const base = threeLineInvoice('en-AU');
    const doc: InvoiceDocument = {
      ...base,
      lines: base.lines.map((line, index) =>
        index === 1 ? { ...line, units: { quantity: '1250.5', unitOfMeasure: 'm³', unitPrice: '85.5', quantityThisPeriod: '120', quantityToDate: '640.25' } } : line,
      ),
    };
    const file = save(await renderInvoicePdf(doc));
    const [, sheet = ''] = pageTexts(file);
    expect(sheet).toMatch(/Quantity\s+Unit\s+Unit Price\s+Qty This Period\s+Qty to Date/);
    expect(sheet).toMatch(/1,250\.5\s+m³\s+\$85\.50\s+120\s+640\.25/);
    expect(sheet.match(/\$85\.50/g)).toHaveLength(1);
    expectLaidOutWithinPages(file);

    const [, plain = ''] = pageTexts(save(await renderInvoicePdf(base)));
    expect(plain).not.toContain('Qty This Period');
  });
});
