import type { PDFDocument, PDFRef } from 'pdf-lib';
import { linkContents, type CoverContent, type CoverWriter } from './cover';
import type { SourceSummary } from './merge';
import { setOutline, type OutlineItem } from './outline';

/**
 * What every backup volume ends with, however its pages were written (Combine copying merged
 * parts, MergeVolume merging the sources itself): the cover's page numbers and links, the
 * outline (a bookmark per part and, under it, one per source) and the document's properties.
 */

/** A part of a backup as its volume shows it: its title, and the pages each of its sources took. */
export interface CombinedPart {
  title: string;
  pages: number;
  sources: SourceSummary[];
}

/**
 * Finishes the volume in `doc` (the writer's frame, which holds the cover): `parts` in order, each
 * with the output references of its pages. Call before the writer's `end`. Returns the volume's
 * page count, the cover's included.
 */
export function finishBackupVolume(doc: PDFDocument, coverWriter: CoverWriter, cover: CoverContent, parts: Array<{ part: CombinedPart; pages: PDFRef[] }>): { pages: number; coverPages: number } {
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
  return { pages: pages.length, coverPages };
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
