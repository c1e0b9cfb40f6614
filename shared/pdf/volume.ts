import { PDFDocument, type PDFRef } from 'pdf-lib';
import { finishBackupVolume, type CombinedPart } from './backup-finish';
import { CoverWriter, type CoverContent } from './cover';
import { appendSource, type MergeOptions, type MergeSource, type MergeWarning } from './merge';
import { PdfStreamWriter } from './stream-writer';
import { Typesetter } from './typeset';

/**
 * A whole backup volume merged straight from its sources, in one pass: the cover, each part's
 * sources as `writeMerged` (merge.ts) would merge them, then the outline — the same PDF Combine
 * makes out of merged parts, without writing and reading the parts. One source is in memory at a
 * time (with whatever the caller downloads ahead); the output goes to `sink` as it is written.
 */

/** A source of the volume, with the part it belongs to: a part's sources come together, in order. */
export interface VolumeSource {
  /** The part's index in the volume: 0, 1, … (a new index starts the next part). */
  part: number;
  partTitle: string;
  source: MergeSource;
}

/** A part as the volume holds it: its pages, its sources' pages and the files left out. */
export interface VolumePartResult extends CombinedPart {
  warnings: MergeWarning[];
}

export interface VolumeOptions extends MergeOptions {
  /**
   * A volume's limits (as PlanVolumes splits a backup): when the parts written pass one, with
   * more than one part, the merge stops with VolumeLimitExceeded — the backup needs volumes.
   */
  limits?: { maxPages: number; maxBytes: number };
}

/** The volume would pass its limits: see VolumeOptions.limits. */
export class VolumeLimitExceeded extends Error {}

export async function writeVolume(
  cover: CoverContent,
  sources: AsyncIterable<VolumeSource> | Iterable<VolumeSource>,
  sink: (chunk: Uint8Array) => Promise<void>,
  options: VolumeOptions = {},
): Promise<{ pages: number; coverPages: number; bytes: number; parts: VolumePartResult[] }> {
  const doc = await PDFDocument.create();
  const writer = new PdfStreamWriter(doc, sink);
  await writer.start();
  // The cover's title now, its entries as the parts come, its page numbers at the end: its objects are written last.
  const coverWriter = new CoverWriter(doc, new Typesetter(doc), cover);
  const parts: Array<{ part: VolumePartResult; pages: PDFRef[] }> = [];
  let partPages = 0;
  for await (const { part: index, partTitle, source } of sources) {
    let current = parts[parts.length - 1];
    if (index !== parts.length - 1) {
      if (index !== parts.length) throw new Error(`Part ${index + 1} ("${partTitle}") came after part ${parts.length}: a part's sources must come together, in order`);
      current = { part: { title: partTitle, pages: 0, sources: [], warnings: [] }, pages: [] };
      parts.push(current);
      coverWriter.addEntry(partTitle);
    }
    const { summary, warnings, pages } = await appendSource(writer, source, { onEncrypted: options.onEncrypted });
    current!.part.sources.push(summary);
    current!.part.warnings.push(...warnings);
    current!.pages.push(...pages);
    current!.part.pages += pages.length;
    partPages += pages.length;
    const { limits } = options;
    if (limits && parts.length > 1 && (partPages > limits.maxPages || writer.bytes > limits.maxBytes)) {
      throw new VolumeLimitExceeded(`The backup passes a volume's limits (${limits.maxPages} pages, ${limits.maxBytes} bytes) at part ${parts.length}: it needs volumes`);
    }
  }
  if (parts.length === 0) throw new Error('A volume needs at least one part');
  const { pages, coverPages } = finishBackupVolume(doc, coverWriter, cover, parts);
  await writer.end();
  return { pages, coverPages, bytes: writer.bytes, parts: parts.map(({ part }) => part) };
}
