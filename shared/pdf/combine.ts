import { PDFDocument, type PDFRef } from 'pdf-lib';
import { CoverWriter, linkContents, type CoverContent } from './cover';
import type { SourceSummary } from './merge';
import { setOutline, type OutlineItem } from './outline';
import { PartsWriter } from './parts-writer';
import { Typesetter } from './typeset';

/**
 * A backup's volume out of its merged parts (written by `writeMerged`, shared/pdf/merge.ts).
 * Parts are our own output, never encrypted and never a source to be sniffed: this module
 * leaves out the source handling of merge.ts, whose decryption carries a second PDF library.
 */

/** A merged part as `writeCombined` needs it: what its summary says of it. */
export interface CombinedPart {
  title: string;
  pages: number;
  sources: SourceSummary[];
}

/**
 * Builds a backup: the cover (with each part's first page), then every part's pages, then an
 * outline with a bookmark per part and, under it, one per source. The output is written to
 * `sink` as it goes and each part (written by `writeMerged`) is loaded once, in order, its
 * objects copied as bytes with their numbers moved (not parsed into a document), so memory
 * holds one part and the output's offsets. `describe` answers what a part holds, given the
 * appendix it carries (see PdfAppendix), if any.
 *
 * The parts are written as soon as they arrive, and the cover's entries drawn as their summaries
 * come (its page numbers once the last is in): the cover's objects are numbered among the
 * parts' and written at the end with the outline — the page tree still puts its pages first.
 */
export async function writeCombined(
  cover: CoverContent,
  partCount: number,
  load: (index: number) => Promise<Uint8Array>,
  describe: (index: number, appendix: Uint8Array | undefined) => CombinedPart,
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<{ pages: number; coverPages: number; bytes: number }> {
  const doc = await PDFDocument.create();
  const writer = new PartsWriter(doc, sink);
  await writer.start();
  // Drawn while the first parts download (Combine starts them first): the fonts are read and parsed here.
  const coverWriter = new CoverWriter(doc, new Typesetter(doc), cover);
  const parts: Array<{ part: CombinedPart; pages: PDFRef[] }> = [];
  for (let index = 0; index < partCount; index++) {
    const { pages, appendix } = await writer.appendWritten(await load(index));
    const part = describe(index, appendix);
    // The cover prints page numbers and the outline places bookmarks from the summaries: they must be the truth.
    if (pages.length !== part.pages) throw new Error(`Part ${index + 1} ("${part.title}") has ${pages.length} pages; its summary says ${part.pages}`);
    parts.push({ part, pages });
    coverWriter.addEntry(part.title);
  }

  const coverPages = coverWriter.pageCount;
  const firstPages: number[] = [];
  const outline: OutlineItem[] = [];
  let next = coverPages;
  for (const { part } of parts) {
    firstPages.push(next + 1);
    outline.push({ title: part.title, pageIndex: next, children: sourceBookmarks(part, next) });
    next += part.pages;
  }
  const contents = coverWriter.finish(firstPages);
  setMetadata(doc, cover);
  const pages: Array<{ ref: PDFRef }> = [...doc.getPages(), ...parts.flatMap((part) => part.pages.map((ref) => ({ ref })))];
  linkContents(doc, contents, outline.map((item) => item.pageIndex), pages);
  setOutline(doc, outline, pages);
  await writer.end();
  return { pages: pages.length, coverPages, bytes: writer.bytes };
}

/** `writeCombined` into one array of bytes, the parts' summaries given: for small backups and tests. */
export async function combineParts(
  cover: CoverContent,
  parts: CombinedPart[],
  load: (index: number) => Promise<Uint8Array>,
): Promise<{ pdf: Uint8Array; pages: number; coverPages: number }> {
  const chunks: Uint8Array[] = [];
  // A copy of each chunk: the writer reuses its buffer.
  const result = await writeCombined(cover, parts.length, load, (index) => parts[index]!, async (chunk) => void chunks.push(new Uint8Array(chunk)));
  return { pdf: Buffer.concat(chunks), pages: result.pages, coverPages: result.coverPages };
}

/** Title, Author, Subject and dates as a viewer's document properties show them. */
function setMetadata(doc: PDFDocument, cover: CoverContent): void {
  doc.setTitle(cover.title, { showInWindowTitleBar: true });
  if (cover.subject) doc.setSubject(cover.subject);
  doc.setAuthor(cover.author ?? 'Progress Claims');
  const createdAt = cover.createdAt ? new Date(cover.createdAt) : new Date();
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  doc.setCreator('Progress Claims');
  doc.setProducer('Progress Claims backup (pdf-lib)');
}

/** A bookmark per source at its first page (a left-out file's at its placeholder). */
function sourceBookmarks(part: CombinedPart, start: number): OutlineItem[] {
  const covered = part.sources.reduce((sum, source) => sum + source.pages, 0);
  if (covered !== part.pages) throw new Error(`The sources of part "${part.title}" cover ${covered} pages; the part has ${part.pages}`);
  let pageIndex = start;
  return part.sources.flatMap((source) => {
    const item = { title: source.leftOut ? `${source.title} (left out)` : source.title, pageIndex };
    pageIndex += source.pages;
    return source.pages > 0 ? [item] : [];
  });
}
