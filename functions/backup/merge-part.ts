import { DownloadBuffers, EncryptedSourcesError, fetchMergeSource, inOrderAhead, mergedPartOf, parseEvent, partSummaryBytes, partToMergeSchema, pdfUpload, type MergedPart } from '../../shared/backup/task-io';
import { logger } from '../../shared/logger';
import { writeMerged, type MergeSource } from '../../shared/pdf/merge';
import { PdfAppendix } from '../../shared/pdf/stream-writer';

/**
 * Backup workflow, `MergePart` (inside the Map): merges one part's S3 documents into one PDF
 * at `partKey`, its summary (titles, pages, warnings) for Combine appended inside it (see
 * PdfAppendix). It answers keys and counts only (pages, bytes, warnings): the Map collects one
 * answer per invoice into the workflow's state.
 *
 * It does not decrypt (the library that can would double this function's code): meeting an
 * encrypted PDF, it stops with EncryptedSourcesError, and the workflow runs DecryptSources and
 * then this function again on the decrypted copies (`decryptionTried`), where an encrypted PDF
 * left needs a password and gets a placeholder.
 */

/** The Map's answer per part: PlanVolumes plans the volumes from its pages and bytes, reading nothing. */
export interface MergedPartCounts {
  partKey: string;
  pages: number;
  bytes: number;
  warningCount: number;
}

export const handler = async (event: unknown): Promise<MergedPartCounts> => {
  const part = parseEvent(partToMergeSchema, event);
  // The part is uploaded as it is written: memory holds the sources being read, not the output.
  const upload = pdfUpload(part.partKey);
  const output = new PdfAppendix((chunk) => upload.write(chunk));
  let summary: MergedPart;
  try {
    const onEncrypted = part.decryptionTried
      ? undefined
      : ({ title }: { title: string }) => {
          throw new EncryptedSourcesError(`${title} in ${part.partKey} is encrypted: DecryptSources decrypts the part's files that open without a password`);
        };
    summary = mergedPartOf(part, await writeMerged(fetchSources(part.sources, part.title), output.write, { onEncrypted }));
    // Inside the part, Combine finds it in the bytes it downloads anyway: no object beside it.
    await output.append(partSummaryBytes(summary));
    await upload.end();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  const { pages, warnings } = summary;
  const bytes = output.bytes;
  logger.info('Backup part merged', { partKey: part.partKey, sources: part.sources.length, pages, bytes, warnings: warnings.length });
  return { partKey: part.partKey, pages, bytes, warningCount: warnings.length };
};

/**
 * Sources in order, downloaded ahead of the merge: S3's latency overlaps the merging, and
 * memory holds at most `SOURCES_AHEAD` sources besides the one being merged (each at most the
 * upload limit).
 */
const SOURCES_AHEAD = 3;

/**
 * The sources' buffers, given back once a source is written and handed out again, to this
 * invocation's next sources and the Lambda's next invocations: fresh memory faults on first
 * touch, which cost more CPU than reading the bytes. Enough are kept for a part's sources in
 * memory at once (the one being merged and those ahead).
 */
const sourceBuffers = new DownloadBuffers(SOURCES_AHEAD + 1);

function fetchSources(sources: Array<{ key: string; title: string; attachmentId?: string }>, partOf: string): AsyncGenerator<MergeSource> {
  return inOrderAhead(
    sources.map((source) => () => fetchMergeSource(source, partOf, sourceBuffers)),
    SOURCES_AHEAD,
  );
}
