import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from 'pdf-lib';

/**
 * What a reader sees in a PDF: its outline (read back with pdf-lib's object API), and the
 * verdicts of qpdf and poppler. The tools are required: a missing one throws, so tests fail, never skip.
 */

export interface ReadOutlineItem {
  title: string;
  pageIndex: number;
  /** The item's /Count: negative when closed; undefined without children. */
  count?: number;
  children: ReadOutlineItem[];
}

/** The document's outline: the root's /Count and the items, checking /Parent, /Prev, /Next, /First, /Last as it goes. */
export async function readOutline(pdf: Uint8Array): Promise<{ count: number | undefined; items: ReadOutlineItem[] }> {
  const doc = await PDFDocument.load(pdf);
  const context = doc.context;
  const pageIndexOf = new Map(doc.getPages().map((page, index) => [page.ref.toString(), index]));
  const rootRef = doc.catalog.get(PDFName.of('Outlines'));
  if (!(rootRef instanceof PDFRef)) return { count: undefined, items: [] };
  const number = (dict: PDFDict, key: string) => dict.lookupMaybe(PDFName.of(key), PDFNumber)?.asNumber();

  const readLevel = (parent: PDFDict, parentRef: PDFRef): ReadOutlineItem[] => {
    const items: ReadOutlineItem[] = [];
    let ref = parent.get(PDFName.of('First'));
    let previous: PDFRef | undefined;
    while (ref instanceof PDFRef) {
      const dict = context.lookup(ref, PDFDict);
      if (dict.get(PDFName.of('Parent')) !== parentRef) throw new Error(`Outline item ${ref} has the wrong /Parent`);
      if (dict.get(PDFName.of('Prev')) !== previous) throw new Error(`Outline item ${ref} has the wrong /Prev`);
      const title = dict.lookup(PDFName.of('Title'));
      if (!(title instanceof PDFHexString || title instanceof PDFString)) throw new Error(`Outline item ${ref} has no /Title`);
      const dest = dict.lookup(PDFName.of('Dest'), PDFArray);
      if (dest.lookup(1) !== PDFName.of('Fit')) throw new Error(`Outline item ${ref} does not fit its page`);
      const pageIndex = pageIndexOf.get(String(dest.get(0)));
      if (pageIndex === undefined) throw new Error(`Outline item ${ref} points at no page of the document`);
      items.push({ title: title.decodeText(), pageIndex, count: number(dict, 'Count'), children: readLevel(dict, ref) });
      previous = ref;
      ref = dict.get(PDFName.of('Next'));
    }
    if (parent.get(PDFName.of('Last')) !== previous) throw new Error(`/Last of ${parentRef} is not its last item`);
    return items;
  };

  const root = context.lookup(rootRef, PDFDict);
  return { count: number(root, 'Count'), items: readLevel(root, rootRef) };
}

let dir: string | undefined;
let fileCount = 0;
// Registered on the suite of the test file that imports this module.
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes the PDF to a temp file, for the command-line tools. */
export function savePdf(pdf: Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'pdf-tools-'));
  const file = join(dir, `document-${++fileCount}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/** qpdf exits 0 only without errors or warnings; any other exit throws here. */
export function qpdfCheck(pdf: Uint8Array): string {
  return execFileSync('qpdf', ['--check', savePdf(pdf)], { encoding: 'utf8' });
}

/** pdftotext -layout, one string per page. */
export function pageTexts(pdf: Uint8Array): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', savePdf(pdf), '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return text.split('\f').slice(0, -1);
}

export function pdfPageCount(pdf: Uint8Array): number {
  const output = execFileSync('pdfinfo', [savePdf(pdf)], { encoding: 'utf8' });
  return Number(/^Pages:\s*(\d+)/m.exec(output)?.[1]);
}

export interface QpdfOutlineItem {
  title: string;
  /** One-based page number, as qpdf resolves the destination. */
  page: number;
  open: boolean;
  kids: QpdfOutlineItem[];
}

/** The outline as qpdf reads it: a second opinion beside pdf-lib's. */
export function qpdfOutline(pdf: Uint8Array): QpdfOutlineItem[] {
  type Raw = { title: string; destpageposfrom1: number; open: boolean; kids: Raw[] };
  const json = JSON.parse(execFileSync('qpdf', ['--json', '--json-key=outlines', savePdf(pdf)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  const convert = (items: Raw[]): QpdfOutlineItem[] => items.map((item) => ({ title: item.title, page: item.destpageposfrom1, open: item.open, kids: convert(item.kids) }));
  return convert(json.outlines as Raw[]);
}
