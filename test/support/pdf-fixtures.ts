import { PDFDict, PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pageTexts, savePdf } from './pdf-tools';
import type { SignInvoicePdfInput } from '../../shared/pdf/sign-invoice-pdf';

/**
 * Small, deterministic inputs for merge tests, and a reader that tells the pages of a
 * merged PDF apart by their text and images.
 */

/** A PDF whose page n reads "<label> page <n>". */
export async function labelledPdf(label: string, pageCount: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pageCount; n++) doc.addPage([300, 200]).drawText(`${label} page ${n}`, { x: 20, y: 100, size: 14, font });
  return doc.save();
}

/**
 * A PDF marked as encrypted. pdf-lib cannot encrypt, but the trailer's /Encrypt dictionary is
 * what readers (pdf-lib included) check first; files encrypted by qpdf (AES-256, with and
 * without object streams) are rejected by pdf-lib the same way.
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage();
  doc.context.trailerInfo.Encrypt = doc.context.register(doc.context.obj({ Filter: 'Standard', V: 5, R: 6, Length: 256, P: -4 }));
  return doc.save();
}

/**
 * The PDF encrypted by qpdf with this user password ('' opens without one) and an owner
 * password, with `encryption` as qpdf's key length and options ("256"; "128 --use-aes=n").
 */
export function qpdfEncrypted(pdf: Uint8Array, userPassword: string, encryption: string[] = ['256']): Uint8Array {
  const input = savePdf(pdf);
  const output = `${input}.encrypted.pdf`;
  execFileSync('qpdf', ['--allow-weak-crypto', '--encrypt', userPassword, 'owner-secret', ...encryption, '--', input, output]);
  return readFileSync(output);
}

/** qpdf's own merge of the files, in order: what our merge is compared with. */
export function qpdfMerged(pdfs: Uint8Array[]): Uint8Array {
  const inputs = pdfs.map(savePdf);
  const output = `${inputs[0]}.qpdf-merged.pdf`;
  execFileSync('qpdf', ['--empty', '--pages', ...inputs, '--', output]);
  return readFileSync(output);
}

// The filled form lives apart so that scripts run outside vitest (render-samples.ts) can make it.
export { FORM_BOXES, viewerDrawnForm } from './form-fixture';

/** A PDF cut off halfway, as an interrupted upload leaves it. */
export async function truncatedPdf(): Promise<Uint8Array> {
  const bytes = await labelledPdf('Truncated', 2);
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** A 2×2 RGB PNG (red, green, blue, white), assembled by hand: signature, IHDR, IDAT, IEND. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=',
  'base64',
);

/**
 * An 8×8 mid-grey baseline JPEG, assembled by hand: one component, one 8×8 block whose DC
 * difference is 0 followed by end-of-block, with one-code Huffman tables (renders with poppler).
 */
export const TINY_JPEG = Buffer.from(
  '/9j/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
  'base64',
);

export interface PageSummary {
  /** The page's text, lines joined by single spaces. */
  text: string;
  images: number;
  width: number;
  height: number;
}

/** Reloads a PDF and summarises each page, in order. */
export async function describePages(pdf: Uint8Array): Promise<PageSummary[]> {
  const doc = await PDFDocument.load(pdf);
  // poppler's reading of the text, which goes through each font's ToUnicode map as a reader's would.
  const texts = pageTexts(pdf).map((text) => text.replace(/\s+/g, ' ').trim());
  return doc.getPages().map((page, index) => ({
    text: texts[index] ?? '',
    images: page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict)?.keys().length ?? 0,
    ...page.getSize(),
  }));
}

/** Counts the font dictionaries in a PDF: shared fonts copied once per source, not once per page. */
export async function fontCount(pdf: Uint8Array): Promise<number> {
  const doc = await PDFDocument.load(pdf);
  return doc.context
    .enumerateIndirectObjects()
    .filter(([, object]) => object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Font')).length;
}

/** An invoice PDF signed by two contacts, one typed and one drawn mark: the seal's input in the signing tests. */
export function twoSignerSealInput(document: Uint8Array, certificate: SignInvoicePdfInput['certificate']): SignInvoicePdfInput {
  return {
    document,
    region: 'en-AU',
    title: 'Progress claim 1 - SC-001',
    companyName: 'Northbeam Builders',
    sentAt: '2026-12-01T00:00:00.000Z',
    sentByName: 'Priya Patel',
    completedAt: '2026-12-02T03:04:05.000Z',
    certificate,
    signers: [
      { name: 'Ella Ward', email: 'ella@example.test', routingOrder: 1, signedAt: '2026-12-02T01:00:00.000Z', ip: '203.0.113.9', userAgent: 'Mozilla/5.0 test', mark: { kind: 'typed', text: 'Ella Ward' } },
      { name: 'Marco Rossi', email: 'marco@example.test', routingOrder: 2, signedAt: '2026-12-02T03:04:05.000Z', ip: '203.0.113.10', userAgent: 'curl/8', mark: { kind: 'drawn', png: TINY_PNG } },
    ],
  };
}
