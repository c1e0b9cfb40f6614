import { PDFDocument, type PDFRef } from 'pdf-lib';
import { finishBackupVolume, type CombinedPart } from './backup-finish';
import { CoverWriter, type CoverContent } from './cover';
import { PartsWriter } from './parts-writer';
import { Typesetter } from './typeset';

/**
 * A backup's volume out of its merged parts (written by `writeMerged`, shared/pdf/merge.ts).
 * Parts are our own output, never encrypted and never a source to be sniffed: this module
 * leaves out the source handling of merge.ts, whose decryption carries a second PDF library.
 */

export type { CombinedPart };

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

  const { pages, coverPages } = finishBackupVolume(doc, coverWriter, cover, parts);
  await writer.end();
  return { pages, coverPages, bytes: writer.bytes };
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
