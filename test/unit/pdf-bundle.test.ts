import path from 'node:path';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAliases, esmRequireBanner, externalModules } from '../../infra/aws/bundling';
import { combineParts } from '../../shared/pdf/combine';
import { renderInvoicePdf } from '../../shared/pdf/invoice-pdf';
import { mergeDocuments } from '../../shared/pdf/merge';
import { Typesetter } from '../../shared/pdf/typeset';
import { viewerDrawnForm } from '../support/form-fixture';
import { threeLineInvoice } from '../support/invoice-fixtures';
import { labelledPdf, qpdfEncrypted } from '../support/pdf-fixtures';
import { pageTexts, qpdfCheck } from '../support/pdf-tools';

/**
 * The PDF code as the PDF functions deploy it: shared/pdf bundled with CDK's options, aliases
 * included — fontkit's Unicode property table inlined (bundleAliases['#binary-trie']) rather than
 * read from a file no bundle has, and the standard fonts of pdf-lib and @cantoo/pdf-lib (which
 * decrypts) cut to Helvetica, the forms' default font (infra/aws/standard-fonts-helvetica.ts).
 * The bundle must load, and draw what the unbundled code the other tests run draws.
 */

const root = path.resolve(import.meta.dirname, '../..');

interface PdfCode {
  PDFDocument: typeof PDFDocument;
  Typesetter: typeof Typesetter;
  mergeDocuments: typeof mergeDocuments;
  combineParts: typeof combineParts;
  renderInvoicePdf: typeof renderInvoicePdf;
}
const unbundled: PdfCode = { PDFDocument, Typesetter, mergeDocuments, combineParts, renderInvoicePdf };
let bundled: PdfCode;

beforeAll(async () => {
  const outfile = path.join(root, 'cdk.out', 'budget-test', 'pdf-code.mjs');
  const modules = { './shared/pdf/typeset.ts': 'Typesetter', './shared/pdf/merge.ts': 'mergeDocuments', './shared/pdf/combine.ts': 'combineParts', './shared/pdf/invoice-pdf.ts': 'renderInvoicePdf' };
  await build({
    stdin: { contents: [`export { PDFDocument } from 'pdf-lib';`, ...Object.entries(modules).map(([file, name]) => `export { ${name} } from '${file}';`)].join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    external: externalModules,
    alias: bundleAliases,
    banner: { js: esmRequireBanner },
    logLevel: 'silent',
    outfile,
  });
  bundled = (await import(outfile)) as PdfCode;
}, 60_000);

const lines = ['Łódź Budownictwo – façade', 'Ελληνικά Έργα', 'Строительство Москва', '東京建設 基礎工事', '서울건설 주식회사', 'בניין ירושלים', 'مرحبا بالعالم', 'Crane 😀 hire ✓'];

async function typeset({ PDFDocument: Document, Typesetter: Setter }: PdfCode): Promise<{ pdf: Uint8Array; widths: number[] }> {
  const doc = await Document.create();
  const page = doc.addPage([595, 842]);
  const typesetter = new Setter(doc);
  lines.forEach((text, index) => typesetter.draw(page, text, { x: 40, y: 800 - index * 24, size: 12, bold: index % 2 === 1 }));
  return { pdf: await doc.save(), widths: lines.map((text, index) => typesetter.width(text, 12, index % 2 === 1)) };
}

describe('the bundled PDF code', () => {
  it('lays out Latin, Greek, Cyrillic, CJK, Korean, Hebrew, Arabic and emoji as the unbundled code does', async () => {
    const ours = await typeset(bundled);
    const reference = await typeset(unbundled);
    expect(ours.widths).toEqual(reference.widths);
    expect(qpdfCheck(ours.pdf)).toContain('No syntax or stream encoding errors found');
    const [text = ''] = pageTexts(ours.pdf);
    expect(text).toEqual(pageTexts(reference.pdf)[0]);
    // poppler marks right-to-left runs with embedding controls and may give Arabic presentation forms.
    const read = text.normalize('NFKC').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
    for (const line of lines) expect(read).toContain(line);
  });

  it('renders the invoice PDF as the unbundled code does', async () => {
    const [ours, reference] = await Promise.all([bundled.renderInvoicePdf(threeLineInvoice('en-AU')), unbundled.renderInvoicePdf(threeLineInvoice('en-AU'))]);
    expect(pageTexts(ours)).toEqual(pageTexts(reference));
  });

  it('flattens a viewer-drawn form (Helvetica, its default font), decrypts a file and prints placeholders and a cover as the unbundled code does', async () => {
    const locked = qpdfEncrypted(await labelledPdf('Bank statement', 2), '');
    const sources = async () => [
      { title: 'Statutory declaration.pdf', bytes: await viewerDrawnForm() },
      { title: 'Bank statement.pdf', bytes: locked },
      { title: 'שרטוט.dwg', bytes: new Uint8Array([1, 2, 3]) },
    ];
    const merge = async (code: PdfCode) => {
      const part = await code.mergeDocuments(await sources());
      const cover = { title: 'Harbour Tower — backup', lines: ['東京建設', 'Printed 5 December 2026'] };
      const combined = await code.combineParts(cover, [{ title: 'SC-001 Concrete', pages: part.pages, sources: part.sources }], async () => part.pdf);
      return { part: part.pdf, warnings: part.warnings, combined: combined.pdf };
    };
    const [ours, reference] = await Promise.all([merge(bundled), merge(unbundled)]);
    // Flattened: the fields are drawn into the page, no widget is left for a viewer to draw.
    expect((await PDFDocument.load(ours.part)).getPage(0).node.Annots()?.size() ?? 0).toBe(0);
    expect(pageTexts(ours.part)[0]).toContain('Ada Lovelace');
    // Decrypted by @cantoo/pdf-lib, which the bundle carries with the same stand-in for the standard fonts.
    expect(ours.warnings.map((warning) => warning.title)).toEqual(['שרטוט.dwg']);
    expect(pageTexts(ours.part).join('\n')).toContain('Bank statement');
    expect(pageTexts(ours.combined)).toEqual(pageTexts(reference.combined));
  });
});
