import { PDFName, rgb, type PDFDocument, type PDFRef } from 'pdf-lib';
import { printable, wrap } from './text';
import type { Typesetter } from './typeset';

/**
 * The cover of a compiled backup: a title, a few lines (project, date) and a table of contents
 * listing each part with its first page number, continued on further pages when long.
 *
 * Laid out in two steps because the page numbers count the cover's own pages: `layoutCover`
 * decides the pages (a number's value never changes the layout), `drawCover` prints them.
 */

export interface CoverContent {
  title: string;
  lines: string[];
  /** The document's metadata (PDF Info): who it is about and when it was compiled (ISO 8601). */
  subject?: string;
  author?: string;
  createdAt?: string;
}

type Operation =
  | { kind: 'text'; text: string; x: number; y: number; size: number; bold: boolean }
  /** Where entry `entry`'s page number goes, right-aligned, with dot leaders back to `afterX`. */
  | { kind: 'number'; entry: number; y: number; afterX: number; topY: number };

/** Where a contents entry is printed: the cover page (zero-based) and the rectangle [x1, y1, x2, y2] a click opens its part from. */
export interface EntryArea {
  pageIndex: number;
  rect: [number, number, number, number];
}

export interface CoverLayout {
  pages: Operation[][];
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

/** Lays out the cover for parts with these titles, in order. */
export function layoutCover(type: Typesetter, cover: CoverContent, entryTitles: string[]): CoverLayout {
  const measure = (size: number, bold = false) => (line: string) => type.width(line, size, bold);
  const width = A4.width - 2 * MARGIN;
  const pages: Operation[][] = [[]];
  let y = A4.height - MARGIN;
  let inContents = false;
  const page = () => pages[pages.length - 1]!;
  /** Makes room for `height` below y, on a new page when this one is full. */
  const reserve = (height: number) => {
    if (y - height >= MARGIN) return;
    pages.push([]);
    y = A4.height - MARGIN;
    if (inContents) heading('Contents (continued)');
  };
  const text = (line: string, size: number, bold: boolean, leading: number) => {
    reserve(leading);
    y -= leading;
    page().push({ kind: 'text', text: line, x: MARGIN, y, size, bold });
  };
  const heading = (title: string) => {
    y -= HEADING_SIZE * 1.4;
    page().push({ kind: 'text', text: title, x: MARGIN, y, size: HEADING_SIZE, bold: true });
    y -= 8;
  };

  for (const line of wrap(printable(cover.title), measure(TITLE_SIZE, true), width)) text(line, TITLE_SIZE, true, TITLE_SIZE * 1.25);
  y -= 10;
  for (const paragraph of cover.lines) {
    for (const line of wrap(printable(paragraph), measure(LINE_SIZE), width)) text(line, LINE_SIZE, false, LINE_SIZE * 1.4);
  }
  y -= 16;
  reserve(HEADING_SIZE * 1.4 + 8 + ENTRY_LEADING);
  heading('Contents');
  inContents = true;

  entryTitles.forEach((title, entry) => {
    const short = title.length > MAX_ENTRY_LENGTH ? `${title.slice(0, MAX_ENTRY_LENGTH)}...` : title;
    const lines = wrap(printable(short), measure(ENTRY_SIZE), width - NUMBER_COLUMN);
    // An entry is never split across pages: its number goes on its last line.
    reserve(lines.length * ENTRY_LEADING);
    const topY = y;
    for (const line of lines) {
      y -= ENTRY_LEADING;
      page().push({ kind: 'text', text: line, x: MARGIN, y, size: ENTRY_SIZE, bold: false });
    }
    const afterX = MARGIN + type.width(lines[lines.length - 1] ?? '', ENTRY_SIZE);
    page().push({ kind: 'number', entry, y, afterX, topY });
  });
  return { pages };
}

/**
 * Appends the cover's pages; `firstPages[i]` is entry i's one-based first page in the final document.
 * Returns where each entry is printed, for `linkContents` once the parts' pages exist.
 */
export function drawCover(doc: PDFDocument, type: Typesetter, layout: CoverLayout, firstPages: number[]): EntryArea[] {
  const right = A4.width - MARGIN;
  const areas: EntryArea[] = [];
  for (const operations of layout.pages) {
    const pageIndex = doc.getPageCount();
    const page = doc.addPage([A4.width, A4.height]);
    for (const operation of operations) {
      if (operation.kind === 'text') {
        const { text, x, y, size, bold } = operation;
        type.draw(page, text, { x, y, size, bold });
        continue;
      }
      // The entry's lines, from just above the first to just below the last (descenders included).
      areas[operation.entry] = { pageIndex, rect: [MARGIN, operation.y - 4, right, operation.topY - 2] };
      const number = String(firstPages[operation.entry]);
      const numberX = right - type.width(number, ENTRY_SIZE);
      type.draw(page, number, { x: numberX, y: operation.y, size: ENTRY_SIZE });
      // Dot leaders guide the eye from a title to its number, drawn as a dotted line: exact at any width.
      const from = operation.afterX + 8;
      const to = numberX - 6;
      if (to - from > 12) {
        page.drawLine({ start: { x: from, y: operation.y + 1 }, end: { x: to, y: operation.y + 1 }, thickness: 0.8, dashArray: [0.8, 3.2], color: LEADER_GREY });
      }
    }
  }
  return areas;
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
