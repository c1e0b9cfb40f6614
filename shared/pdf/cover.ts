import { PDFName, rgb, type PDFDocument, type PDFPage, type PDFRef } from 'pdf-lib';
import { printable, wrap } from './text';
import type { Typesetter } from './typeset';

/**
 * The cover of a compiled backup: a title, a few lines (project, date) and a table of contents
 * listing each part with its first page number, continued on further pages when long.
 *
 * Drawn as it goes: the title and lines at once, each contents entry as its part comes (an
 * entry's place depends only on the entries before it), and the page numbers at the end, once
 * the cover's own page count is known (a number's value never changes the layout). Combine
 * thus lays out the cover while the parts download, not after the last.
 */

export interface CoverContent {
  title: string;
  lines: string[];
  /** The document's metadata (PDF Info): who it is about and when it was compiled (ISO 8601). */
  subject?: string;
  author?: string;
  createdAt?: string;
}

/** Where a contents entry is printed: the cover page (zero-based) and the rectangle [x1, y1, x2, y2] a click opens its part from. */
export interface EntryArea {
  pageIndex: number;
  rect: [number, number, number, number];
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const TITLE_SIZE = 20;
const LINE_SIZE = 11;
const HEADING_SIZE = 14;
const ENTRY_SIZE = 10;
const ENTRY_LEADING = 14;
/** Wide enough for a five-digit page number and a gap before it. */
const NUMBER_COLUMN = 48;
const MAX_ENTRY_LENGTH = 300;
const LEADER_GREY = rgb(0.55, 0.55, 0.55);

/** A cover drawn into the document's own pages, as its entries come (see above). */
export class CoverWriter {
  private readonly pages: PDFPage[] = [];
  /** The document's index of the cover's first page. */
  private firstPageIndex = 0;
  private y = A4.height - MARGIN;
  private inContents = false;
  /** Where each entry's page number goes, right-aligned, with dot leaders back to `afterX`. */
  private readonly numbers: Array<{ pageIndex: number; y: number; afterX: number; topY: number }> = [];

  /** Draws the title and lines on the cover's first page, appended to `doc`, and the contents' heading. */
  constructor(
    private readonly doc: PDFDocument,
    private readonly type: Typesetter,
    cover: CoverContent,
  ) {
    this.newPage();
    const width = A4.width - 2 * MARGIN;
    for (const line of wrap(printable(cover.title), this.measure(TITLE_SIZE, true), width)) this.text(line, TITLE_SIZE, true, TITLE_SIZE * 1.25);
    this.y -= 10;
    for (const paragraph of cover.lines) {
      for (const line of wrap(printable(paragraph), this.measure(LINE_SIZE), width)) this.text(line, LINE_SIZE, false, LINE_SIZE * 1.4);
    }
    this.y -= 16;
    this.reserve(HEADING_SIZE * 1.4 + 8 + ENTRY_LEADING);
    this.heading('Contents');
    this.inContents = true;
  }

  /** The cover's pages so far (all of them once every entry is added). */
  get pageCount(): number {
    return this.pages.length;
  }

  /** Draws the next contents entry, its page number left for `finish`. */
  addEntry(title: string): void {
    const short = title.length > MAX_ENTRY_LENGTH ? `${title.slice(0, MAX_ENTRY_LENGTH)}...` : title;
    const lines = wrap(printable(short), this.measure(ENTRY_SIZE), A4.width - 2 * MARGIN - NUMBER_COLUMN);
    // An entry is never split across pages: its number goes on its last line.
    this.reserve(lines.length * ENTRY_LEADING);
    const topY = this.y;
    for (const line of lines) {
      this.y -= ENTRY_LEADING;
      this.type.draw(this.page(), line, { x: MARGIN, y: this.y, size: ENTRY_SIZE });
    }
    const afterX = MARGIN + this.type.width(lines[lines.length - 1] ?? '', ENTRY_SIZE);
    this.numbers.push({ pageIndex: this.pages.length - 1, y: this.y, afterX, topY });
  }

  /**
   * Prints the page numbers: `firstPages[i]` is entry i's one-based first page in the final
   * document. Returns where each entry is printed, for `linkContents` once the parts' pages exist.
   */
  finish(firstPages: number[]): EntryArea[] {
    const right = A4.width - MARGIN;
    return this.numbers.map(({ pageIndex, y, afterX, topY }, entry) => {
      const page = this.pages[pageIndex]!;
      const number = String(firstPages[entry]);
      const numberX = right - this.type.width(number, ENTRY_SIZE);
      this.type.draw(page, number, { x: numberX, y, size: ENTRY_SIZE });
      // Dot leaders guide the eye from a title to its number, drawn as a dotted line: exact at any width.
      const from = afterX + 8;
      const to = numberX - 6;
      if (to - from > 12) page.drawLine({ start: { x: from, y: y + 1 }, end: { x: to, y: y + 1 }, thickness: 0.8, dashArray: [0.8, 3.2], color: LEADER_GREY });
      // The entry's lines, from just above the first to just below the last (descenders included).
      return { pageIndex: this.firstPageIndex + pageIndex, rect: [MARGIN, y - 4, right, topY - 2] };
    });
  }

  private measure(size: number, bold = false) {
    return (line: string) => this.type.width(line, size, bold);
  }

  private page(): PDFPage {
    return this.pages[this.pages.length - 1]!;
  }

  private newPage(): void {
    if (this.pages.length === 0) this.firstPageIndex = this.doc.getPageCount();
    this.pages.push(this.doc.addPage([A4.width, A4.height]));
    this.y = A4.height - MARGIN;
  }

  /** Makes room for `height` below y, on a new page when this one is full. */
  private reserve(height: number): void {
    if (this.y - height >= MARGIN) return;
    this.newPage();
    if (this.inContents) this.heading('Contents (continued)');
  }

  private text(line: string, size: number, bold: boolean, leading: number): void {
    this.reserve(leading);
    this.y -= leading;
    this.type.draw(this.page(), line, { x: MARGIN, y: this.y, size, bold });
  }

  private heading(title: string): void {
    this.y -= HEADING_SIZE * 1.4;
    this.type.draw(this.page(), title, { x: MARGIN, y: this.y, size: HEADING_SIZE, bold: true });
    this.y -= 8;
  }
}

/**
 * Makes each contents entry a link (a /Link annotation, PDF 1.7 12.5.6.5) to its part's first page, `targetPages[i]` zero-based.
 * `targets` are the document's page references when they are not all in `doc` (see PdfStreamWriter).
 */
export function linkContents(doc: PDFDocument, areas: EntryArea[], targetPages: number[], targets: Array<{ ref: PDFRef }> = doc.getPages()): void {
  const pages = doc.getPages();
  areas.forEach((area, entry) => {
    const target = targets[targetPages[entry]!];
    if (!target) throw new RangeError(`Contents entry ${entry + 1} points at page index ${targetPages[entry]}; the document has ${targets.length} pages`);
    const link = doc.context.register(
      doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: area.rect, Border: [0, 0, 0], Dest: [target.ref, PDFName.of('Fit')] }),
    );
    const page = pages[area.pageIndex]!;
    const annots = page.node.Annots() ?? doc.context.obj([]);
    annots.push(link);
    page.node.set(PDFName.of('Annots'), annots);
  });
}
