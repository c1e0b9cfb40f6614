import { EncryptedPDFError, PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { logger } from '../logger';

/** Why a file was left out of a merged PDF; the same words are printed on its placeholder page. */
export interface MergeWarning {
  title: string;
  reason: string;
}

export interface SourceDocument {
  title: string;
  bytes: Uint8Array;
  /** The declared type (e.g. S3's Content-Type); the bytes decide, this only words the warning. */
  contentType?: string;
}

/** A source that could not even be fetched: it still gets a warning and a placeholder page. */
export interface UnavailableSource {
  title: string;
  unavailable: string;
}

export type MergeSource = SourceDocument | UnavailableSource;

export interface MergeResult {
  pdf: Uint8Array;
  pages: number;
  warnings: MergeWarning[];
}

type SourceType = 'pdf' | 'png' | 'jpeg';

const typeLabels: Record<SourceType, string> = { pdf: 'PDF', png: 'PNG image', jpeg: 'JPEG image' };

const reasons = {
  encrypted: 'the file is password-protected (encrypted), so its pages cannot be copied',
  noPages: 'the file has no pages',
  unsupported: 'only PDF, JPEG and PNG files can be merged, and this file is none of those',
  damaged: (type: SourceType) => `the file is damaged or is not a valid ${typeLabels[type]}, so it could not be read`,
};

/** A4 portrait in points: the size of image and placeholder pages. */
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 36;
/** Long titles are cut so that a placeholder always fits on its one page. */
const MAX_TITLE_LENGTH = 300;

// pdf-lib is compiled to ES5, so the error it throws is not `instanceof EncryptedPDFError`:
// its message is the one stable mark.
const encryptedMessage = new EncryptedPDFError().message;

/**
 * Builds one PDF out of many, appending as it goes so that a source's bytes and parsed
 * document can be released as soon as its pages are copied.
 */
export class PdfMerger {
  readonly warnings: MergeWarning[] = [];
  private fonts?: { regular: PDFFont; bold: PDFFont; encodable: Set<number> };

  private constructor(private readonly output: PDFDocument) {}

  static async create(): Promise<PdfMerger> {
    return new PdfMerger(await PDFDocument.create());
  }

  /** Appends a source; one that cannot be merged becomes a warning and a placeholder page. */
  async add(source: MergeSource): Promise<void> {
    const reason = 'unavailable' in source ? source.unavailable : await this.tryAppend(source);
    if (reason === undefined) return;
    this.warnings.push({ title: source.title, reason });
    await this.addPlaceholder(source.title, reason);
  }

  /**
   * Appends every page of a PDF with one `copyPages` call (so shared fonts and images are
   * copied once), or throws. Returns the number of pages appended.
   */
  async appendPdf(bytes: Uint8Array): Promise<number> {
    const source = await PDFDocument.load(bytes, { updateMetadata: false });
    const pages = await this.output.copyPages(source, source.getPageIndices());
    for (const page of pages) this.output.addPage(page);
    return pages.length;
  }

  async save(): Promise<{ pdf: Uint8Array; pages: number }> {
    return { pdf: await this.output.save(), pages: this.output.getPageCount() };
  }

  /** Appends the source and returns undefined, or returns why it could not be appended. */
  private async tryAppend(source: SourceDocument): Promise<string | undefined> {
    const type = sniffType(source.bytes);
    if (!type) {
      const declared = declaredType(source.contentType);
      return declared ? reasons.damaged(declared) : reasons.unsupported;
    }
    try {
      if (type === 'pdf') return (await this.appendPdf(source.bytes)) === 0 ? reasons.noPages : undefined;
      await this.appendImage(source.bytes, type);
      return undefined;
    } catch (error) {
      const encrypted = error instanceof Error && error.message === encryptedMessage;
      logger.warn('Source left out of merged PDF', { title: source.title, error: (error as Error).message });
      return encrypted ? reasons.encrypted : reasons.damaged(type);
    }
  }

  /** One page per image: A4, turned to landscape for wide images, the image fitted inside the margins. */
  private async appendImage(bytes: Uint8Array, type: 'png' | 'jpeg'): Promise<void> {
    // pdf-lib reads a JPEG through `bytes.buffer`, ignoring the offset of a view (a pooled
    // Buffer, a subarray): give it bytes of their own.
    const image = type === 'png' ? await this.output.embedPng(bytes) : await this.output.embedJpg(new Uint8Array(bytes));
    const landscape = image.width > image.height;
    const [width, height] = landscape ? [A4.height, A4.width] : [A4.width, A4.height];
    const fitted = image.scaleToFit(width - 2 * MARGIN, height - 2 * MARGIN);
    const page = this.output.addPage([width, height]);
    page.drawImage(image, { x: (width - fitted.width) / 2, y: (height - fitted.height) / 2, ...fitted });
  }

  /** Embedded only once a placeholder is needed, so clean merges carry no extra fonts. */
  private async embedFonts() {
    const regular = await this.output.embedFont(StandardFonts.Helvetica);
    const bold = await this.output.embedFont(StandardFonts.HelveticaBold);
    return { regular, bold, encodable: new Set(regular.getCharacterSet()) };
  }

  private async addPlaceholder(title: string, reason: string): Promise<void> {
    this.fonts ??= await this.embedFonts();
    const { regular, bold, encodable } = this.fonts;
    const page = this.output.addPage([A4.width, A4.height]);
    const maxWidth = A4.width - 2 * MARGIN;
    let y = A4.height - MARGIN - 18;
    page.drawText('File left out', { x: MARGIN, y, size: 18, font: bold });
    y -= 32;
    const shortTitle = title.length > MAX_TITLE_LENGTH ? `${title.slice(0, MAX_TITLE_LENGTH)}...` : title;
    const paragraphs = [
      `"${shortTitle}" was left out of this document: ${reason}.`,
      'Open the original file to see its contents.',
    ];
    for (const paragraph of paragraphs) {
      for (const line of wrap(printable(paragraph, encodable), regular, 12, maxWidth)) {
        page.drawText(line, { x: MARGIN, y, size: 12, font: regular });
        y -= 16;
      }
      y -= 8;
    }
  }
}

/** Merges the sources, in order, into one PDF; nothing is dropped without a warning and a placeholder page. */
export async function mergeDocuments(sources: Iterable<MergeSource> | AsyncIterable<MergeSource>): Promise<MergeResult> {
  const merger = await PdfMerger.create();
  for await (const source of sources) await merger.add(source);
  return { ...(await merger.save()), warnings: merger.warnings };
}

/** The type the bytes say they are: a declared content type is often wrong or generic. */
function sniffType(bytes: Uint8Array): SourceType | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpeg';
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (head.includes('%PDF-')) return 'pdf';
  return undefined;
}

function declaredType(contentType: string | undefined): SourceType | undefined {
  if (!contentType) return undefined;
  if (/pdf/i.test(contentType)) return 'pdf';
  if (/png/i.test(contentType)) return 'png';
  if (/jpe?g/i.test(contentType)) return 'jpeg';
  return undefined;
}

/** Standard fonts only encode WinAnsi: anything else (e.g. CJK in a file name) would throw, so it becomes '?'. */
function printable(text: string, encodable: Set<number>): string {
  return [...text.replace(/\s+/g, ' ')].map((char) => (encodable.has(char.codePointAt(0) ?? -1) ? char : '?')).join('');
}

/** Word-wraps to `maxWidth`; a word wider than a line (a long file name) is broken where it overflows. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fits = (line: string) => font.widthOfTextAtSize(line, size) <= maxWidth;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (!fits(line)) {
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}
