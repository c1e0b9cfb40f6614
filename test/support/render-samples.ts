/**
 * Renders sample documents and their pages as PNGs, to look at:
 *   npx tsx test/support/render-samples.ts /tmp/samples
 * Prints each file's size and the invoice PDF's render time, first (cold fonts) and warm.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderInvoicePdf, type InvoiceDocument } from '../../shared/pdf/invoice-pdf';
import { mergeDocuments } from '../../shared/pdf/merge';
import { manyLineInvoice, threeLineInvoice } from './invoice-fixtures';
import { viewerDrawnForm } from './form-fixture';

const out = path.resolve(process.argv[2] ?? '/tmp/samples');
mkdirSync(out, { recursive: true });

function multilingual(): InvoiceDocument {
  const doc = threeLineInvoice('en-AU');
  const descriptions = ['東京建設 基礎工事 (Foundations)', 'أعمال الخرسانة المسلحة – المرحلة ٢', 'Łódź façade – Ελληνικά – Кирпичная кладка', 'בניין ירושלים 😀'];
  return {
    ...doc,
    project: { name: 'Harbour Tower 東京', number: 'HT-2027' },
    commitment: { ...doc.commitment, vendorName: 'شركة البناء الحديث', title: 'Structure 構造工事' },
    lines: descriptions.map((description, index) => ({
      ...doc.lines[index % doc.lines.length]!,
      lineId: `line-${index}`,
      itemNumber: String(index + 1),
      description,
      ...(index % 2 === 1 ? { units: { quantity: '1250.5', unitOfMeasure: 'm³', unitPrice: '85.5', quantityThisPeriod: '120', quantityToDate: '640.25' } } : {}),
    })),
  };
}

/** The G702 with everything its certificates carry: contract parties, change orders by month, the amount certified. */
function certified(): InvoiceDocument {
  return {
    ...threeLineInvoice('en-US'),
    contract: { date: '2024-11-04', owner: 'Harbour Holdings LLC', architect: 'Stone & Partners' },
    changeOrders: { previousMonths: { additionsCents: 120_000, deductionsCents: 250_000 }, thisMonth: { additionsCents: 30_000, deductionsCents: 0 } },
    certificate: { amountCertifiedCents: 2_400_000, differenceExplanation: 'Line 2 rough-in not inspected' },
  };
}

/** A yen project: no decimals (the fixture's figures in whole yen). */
function yen(): InvoiceDocument {
  const doc = threeLineInvoice('en-AU');
  const whole = (cents: number) => Math.round(cents / 100) * 100;
  return {
    ...doc,
    currency: { code: 'JPY', sign: '¥' },
    summary: Object.fromEntries(Object.entries(doc.summary).map(([key, cents]) => [key, whole(cents)])) as unknown as InvoiceDocument['summary'],
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const [, first] = await timed(() => renderInvoicePdf(threeLineInvoice('en-US')));
const warm: number[] = [];
for (let i = 0; i < 5; i++) warm.push((await timed(() => renderInvoicePdf(threeLineInvoice('en-US'))))[1]);
const samples: Record<string, Uint8Array> = {
  'g702-en-US': await renderInvoicePdf(certified()),
  'g702-jpy': await renderInvoicePdf(yen()),
  'g703-cjk-arabic': await renderInvoicePdf(multilingual()),
  'invoice-250-lines': await renderInvoicePdf(manyLineInvoice(250)),
  'placeholder-arabic-cjk': (
    await mergeDocuments([
      { title: 'فاتورة المورد.pdf', bytes: Buffer.from('not a pdf'), contentType: 'application/pdf' },
      { title: '見積書 – Łódź.docx', bytes: Buffer.from('PK') },
    ])
  ).pdf,
  'placeholder-named': (
    await mergeDocuments([
      { title: 'Statutory declaration.pdf', bytes: Buffer.from('?'), contentType: 'application/pdf', partOf: 'SC-001 Electrical services — Progress Claim 3 (PC-3)', attachmentId: '7d1c…' },
    ])
  ).pdf,
  'form-merged': (await mergeDocuments([{ title: 'Statutory declaration.pdf', bytes: await viewerDrawnForm() }])).pdf,
};
console.log(`invoice PDF (3 lines, en-US): first render ${first.toFixed(0)} ms, warm ${(warm.reduce((a, b) => a + b) / warm.length).toFixed(0)} ms`);
for (const [name, pdf] of Object.entries(samples)) {
  const file = path.join(out, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-r', '80', '-png', '-l', '2', file, path.join(out, name)]);
  console.log(`${name}.pdf: ${pdf.byteLength} bytes`);
}
