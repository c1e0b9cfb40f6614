import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedEsbuildOptions, deployedEsbuildOptionsOf } from '../../infra/aws/bundling';
import { combineParts } from '../../shared/pdf/combine';
import type { decryptWithEmptyPassword } from '../../shared/pdf/decrypt';
import { renderInvoicePdf } from '../../shared/pdf/invoice-pdf';
import { mergeDocuments } from '../../shared/pdf/merge';
import { renderPaymentSchedulePdf, type PaymentScheduleDocument } from '../../shared/pdf/payment-schedule-pdf';
import { signInvoicePdf } from '../../shared/pdf/sign-invoice-pdf';
import { companySigningCertificate, fileCertificateStore } from '../../shared/signature/certificates';
import { Typesetter } from '../../shared/pdf/typeset';
import { viewerDrawnForm } from '../support/form-fixture';
import { threeLineInvoice } from '../support/invoice-fixtures';
import { labelledPdf, qpdfEncrypted, twoSignerSealInput } from '../support/pdf-fixtures';
import { pageTexts, qpdfCheck, savePdf } from '../support/pdf-tools';
import { forgeMadeCertificate } from '../support/forge-signing-certificate';
import { encodePng, expectedRgba, samplePng, type PngSpec } from '../support/png-fixtures';

/**
 * The PDF code as the PDF functions deploy it: shared/pdf bundled with CDK's options, aliases
 * included (infra/aws/bundling.ts) — fontkit's Unicode property table inlined rather than read
 * from a file no bundle has, pdf-lib's ES build without standard fonts (a flattened form's text is
 * typeset too), Node's zlib for pako, UTF-8 output; the seal over Node's crypto (shared/signature/pkcs.ts). The
 * bundle must load, and draw what the unbundled code the other tests run draws. Decrypting is
 * bundled on its own, as the backup's DecryptSources step carries it (MergePart does not):
 * @cantoo/pdf-lib without its SVG, XFA and XML helpers.
 */

const root = path.resolve(import.meta.dirname, '../..');

interface PdfCode {
  PDFDocument: typeof PDFDocument;
  Typesetter: typeof Typesetter;
  mergeDocuments: typeof mergeDocuments;
  combineParts: typeof combineParts;
  renderInvoicePdf: typeof renderInvoicePdf;
  signInvoicePdf: typeof signInvoicePdf;
  companySigningCertificate: typeof companySigningCertificate;
  fileCertificateStore: typeof fileCertificateStore;
}
const unbundled: PdfCode = { PDFDocument, Typesetter, mergeDocuments, combineParts, renderInvoicePdf, signInvoicePdf, companySigningCertificate, fileCertificateStore };
let bundled: PdfCode;
let bundledDecrypt: typeof decryptWithEmptyPassword;

beforeAll(async () => {
  const outfile = path.join(root, 'cdk.out', 'budget-test', 'pdf-code.mjs');
  const modules = { './shared/pdf/typeset.ts': 'Typesetter', './shared/pdf/merge.ts': 'mergeDocuments', './shared/pdf/combine.ts': 'combineParts', './shared/pdf/invoice-pdf.ts': 'renderInvoicePdf', './shared/pdf/sign-invoice-pdf.ts': 'signInvoicePdf', './shared/signature/certificates.ts': 'companySigningCertificate, fileCertificateStore' };
  await build({
    stdin: { contents: [`export { PDFDocument } from 'pdf-lib';`, ...Object.entries(modules).map(([file, name]) => `export { ${name} } from '${file}';`)].join('\n'), resolveDir: root, loader: 'ts' },
    ...deployedEsbuildOptions,
    outfile,
  });
  bundled = (await import(outfile)) as PdfCode;
  const decryptFile = path.join(root, 'cdk.out', 'budget-test', 'pdf-decrypt.mjs');
  await build({ entryPoints: [path.join(root, 'shared/pdf/decrypt.ts')], ...deployedEsbuildOptions, outfile: decryptFile });
  ({ decryptWithEmptyPassword: bundledDecrypt } = (await import(decryptFile)) as { decryptWithEmptyPassword: typeof decryptWithEmptyPassword });
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
    // Its streams deflated by Node's zlib in the bundle (bundleAliases.pako): qpdf decodes every one.
    expect(qpdfCheck(ours)).toContain('No syntax or stream encoding errors found');
    expect(pageTexts(ours)).toEqual(pageTexts(reference));
  });

  it('decrypts a file (DecryptSources), flattens a viewer-drawn form (its text typeset, no standard font) and prints placeholders and a cover as the unbundled code does', async () => {
    const locked = qpdfEncrypted(await labelledPdf('Bank statement', 2), '');
    // Decrypted by @cantoo/pdf-lib, bundled without culori, html-entities and node-html-better-parser.
    const decrypted = await bundledDecrypt(locked);
    expect(decrypted).toBeInstanceOf(Uint8Array);
    expect(await bundledDecrypt(qpdfEncrypted(await labelledPdf('Payroll', 1), 'open-sesame'))).toBeUndefined();
    const sources = async () => [
      { title: 'Statutory declaration.pdf', bytes: await viewerDrawnForm('Łódź Budownictwo') },
      { title: 'Bank statement.pdf', bytes: decrypted! },
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
    expect(pageTexts(ours.part)[0]).toContain('Łódź Budownictwo');
    expect(pageTexts(ours.part)).toEqual(pageTexts(reference.part));
    expect(ours.warnings.map((warning) => warning.title)).toEqual(['שרטוט.dwg']);
    expect(pageTexts(ours.part).join('\n')).toContain('Bank statement');
    expect(qpdfCheck(ours.combined)).toContain('No syntax or stream encoding errors found');
    expect(pageTexts(ours.combined)).toEqual(pageTexts(reference.combined));
  });

  it('has no standard font (everything above drew without one): embedding one throws, naming the stand-in', async () => {
    for (const name of [StandardFonts.Helvetica, StandardFonts.Symbol, StandardFonts.TimesRoman]) {
      await expect((await bundled.PDFDocument.create()).embedFont(name)).rejects.toThrow(/No standard font is in this function's bundle/);
    }
  });

  it('embeds the PNGs pdf-lib decodes (transparency, interlace, 16-bit, 2-bit grey) with the pixels the unbundled code and the samples give', async () => {
    // What shared/pdf/png.ts cannot embed as it is reaches pdf-lib's decoder: infra/aws/upng-decode.ts in the bundle, UPNG unbundled.
    const specs: PngSpec[] = [
      samplePng({ colorType: 6, bitDepth: 8 }, { width: 13, height: 11, interlace: false, transparency: false, seed: 1 }),
      samplePng({ colorType: 3, bitDepth: 8 }, { width: 13, height: 11, interlace: false, transparency: true, seed: 2 }),
      // No pass starting with the Average filter, which UPNG undoes wrong (test/unit/png-decode.test.ts).
      { ...samplePng({ colorType: 2, bitDepth: 8 }, { width: 37, height: 29, interlace: true, transparency: false, seed: 3 }), filterOf: (row, firstOfPass) => (firstOfPass ? 4 : row % 5) },
      samplePng({ colorType: 4, bitDepth: 16 }, { width: 13, height: 11, interlace: false, transparency: false, seed: 4 }),
      samplePng({ colorType: 0, bitDepth: 2 }, { width: 13, height: 11, interlace: false, transparency: false, seed: 5 }),
    ];
    const sources = specs.map((spec, index) => ({ title: `Drawing ${index}.png`, bytes: encodePng(spec) }));
    const [ours, reference] = await Promise.all([bundled.mergeDocuments(sources), unbundled.mergeDocuments(sources)]);
    expect(ours.sources).toEqual(reference.sources);
    expect(ours.sources.every((source) => source.leftOut === undefined)).toBe(true);
    const images = imagesOf(ours.pdf);
    expect(images).toEqual(imagesOf(reference.pdf));
    // Each page's image as RGB, and its soft mask (alpha) where any pixel is not opaque: grey, which pdfimages writes out as RGB.
    let next = 0;
    for (const spec of specs) {
      const rgba = expectedRgba(spec);
      expect(images[next++]).toEqual([...rgba].filter((_, i) => i % 4 !== 3));
      const alpha = [...rgba].filter((_, i) => i % 4 === 3);
      if (alpha.some((value) => value < 255)) expect(images[next++]).toEqual(alpha.flatMap((value) => [value, value, value]));
    }
    expect(next).toBe(images.length);
  });

  it('makes a certificate and seals a signed invoice (pdf-lib, the ByteRange placeholder of sign-invoice-pdf.ts, the CMS of shared/signature/pkcs.ts) with a signature pdfsig verifies, its audit page as the unbundled code prints it', async () => {
    const certificate = await bundled.companySigningCertificate('company-1', 'Northbeam Bâtiments', bundled.fileCertificateStore(mkdtempSync(path.join(tmpdir(), 'pdf-bundle-'))));
    const document = await renderInvoicePdf(threeLineInvoice('en-AU'));
    const input = twoSignerSealInput(document, certificate);
    const [ours, reference] = await Promise.all([bundled.signInvoicePdf(input), unbundled.signInvoicePdf(input)]);
    const report = spawnSync('pdfsig', [savePdf(ours.bytes)], { encoding: 'utf8' });
    expect(`${report.stdout}${report.stderr}`).toContain('Signature is Valid');
    expect(ours.documentSha256).toBe(reference.documentSha256);
    expect(pageTexts(ours.bytes)).toEqual(pageTexts(reference.bytes));
  });
});

/**
 * The renderer's PDF code as renderInvoicePdf deploys it: with its own aliases too
 * (`functionAliases.renderInvoicePdf`: no standard font). Everything the renderer draws — the
 * invoice, a payment schedule, a sealed invoice with a drawn mark — is drawn here as unbundled,
 * so nothing it does reaches a standard font; one drawn deliberately throws.
 */
describe('the renderer’s PDF code, bundled as renderInvoicePdf is', () => {
  interface RendererCode {
    PDFDocument: typeof PDFDocument;
    StandardFonts: typeof StandardFonts;
    renderInvoicePdf: typeof renderInvoicePdf;
    renderPaymentSchedulePdf: typeof renderPaymentSchedulePdf;
    signInvoicePdf: typeof signInvoicePdf;
  }
  let renderer: RendererCode;
  beforeAll(async () => {
    const outfile = path.join(root, 'cdk.out', 'budget-test', 'renderer-pdf-code.mjs');
    const contents = [
      `export { PDFDocument, StandardFonts } from 'pdf-lib';`,
      `export { renderInvoicePdf } from './shared/pdf/invoice-pdf.ts';`,
      `export { renderPaymentSchedulePdf } from './shared/pdf/payment-schedule-pdf.ts';`,
      `export { signInvoicePdf } from './shared/pdf/sign-invoice-pdf.ts';`,
    ].join('\n');
    await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, ...deployedEsbuildOptionsOf('renderInvoicePdf'), outfile });
    renderer = (await import(outfile)) as RendererCode;
  }, 60_000);

  it('draws the invoice, a payment schedule and a sealed invoice (a drawn mark among its signatures) as the unbundled code does', async () => {
    const [ours, reference] = await Promise.all([renderer.renderInvoicePdf(threeLineInvoice('en-GB')), renderInvoicePdf(threeLineInvoice('en-GB'))]);
    expect(pageTexts(ours)).toEqual(pageTexts(reference));

    const schedule = paymentScheduleFixture();
    const [ourSchedule, referenceSchedule] = await Promise.all([renderer.renderPaymentSchedulePdf(schedule), renderPaymentSchedulePdf(schedule)]);
    expect(qpdfCheck(ourSchedule)).toContain('No syntax or stream encoding errors found');
    expect(pageTexts(ourSchedule)).toEqual(pageTexts(referenceSchedule));

    const input = twoSignerSealInput(reference, { p12: Buffer.from(forgeMadeCertificate.p12Base64, 'base64'), passphrase: forgeMadeCertificate.passphrase });
    expect(input.signers.some((signer) => signer.mark.kind === 'drawn')).toBe(true);
    const [sealed, referenceSealed] = await Promise.all([renderer.signInvoicePdf(input), signInvoicePdf(input)]);
    const report = spawnSync('pdfsig', [savePdf(sealed.bytes)], { encoding: 'utf8' });
    expect(`${report.stdout}${report.stderr}`).toContain('Signature is Valid');
    expect(pageTexts(sealed.bytes)).toEqual(pageTexts(referenceSealed.bytes));
  });

  it('has no standard font: embedding one throws, naming the stand-in', async () => {
    const doc = await renderer.PDFDocument.create();
    await expect(doc.embedFont(renderer.StandardFonts.Helvetica)).rejects.toThrow(/No standard font is in this function's bundle/);
  });
});

function paymentScheduleFixture(): PaymentScheduleDocument {
  return {
    region: 'en-AU',
    currency: { code: 'AUD', sign: '$' },
    act: 'Building and Construction Industry Security of Payment Act 1999 (NSW)',
    section: 's 14(4)',
    project: { name: 'Harbour Tower', number: 'HT-1' },
    commitment: { number: 'SC-001', title: 'Concrete – façade', vendorName: 'Łódź Budownictwo' },
    claimName: 'Progress Claim 3',
    claimServedOn: '2026-11-28',
    dueOn: '2026-12-12',
    servedOn: '2026-12-05',
    servedByName: 'Ella Ward',
    lines: [
      { itemNumber: 1, description: 'Formwork', claimedCents: 1_250_000, scheduledCents: 1_000_000, differenceCents: 250_000, reason: 'Work not complete: level 3 slab' },
      { itemNumber: 2, description: '東京建設 pumps', claimedCents: 300_000, scheduledCents: 300_000, differenceCents: 0, reason: null },
    ],
    claimedCents: 1_550_000,
    scheduledCents: 1_300_000,
    differenceCents: 250_000,
  };
}

/** The samples of every image and soft mask in the PDF, in page order, as poppler's pdfimages writes them out (PPM, PGM). */
function imagesOf(pdf: Uint8Array): number[][] {
  const dir = mkdtempSync(path.join(tmpdir(), 'pdf-bundle-images-'));
  try {
    execFileSync('pdfimages', [savePdf(pdf), path.join(dir, 'image')]);
    return readdirSync(dir)
      .sort()
      .map((name) => {
        const bytes = readFileSync(path.join(dir, name));
        // Netpbm: magic, width, height, maximum value, then one whitespace byte before the samples.
        const header = /^P[56]\s+\d+\s+\d+\s+\d+\s/.exec(bytes.toString('latin1'))!;
        return [...bytes.subarray(header[0].length)];
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
