import * as z from '../../shared/zod';
import {
  backupWarnings,
  backupWarningsKey,
  DownloadBuffers,
  EncryptedSourcesError,
  fetchMergeSource,
  getJson,
  inOrderAhead,
  mergedPartOf,
  NeedsVolumesError,
  parseEvent,
  partsManifestSchema,
  type PartToMerge,
  pdfUpload,
  putJson,
} from '../../shared/backup/task-io';
import { coverSchema } from '../../shared/backup/task-input';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { VolumeLimitExceeded, writeVolume, type VolumeSource } from '../../shared/pdf/volume';

/**
 * Backup workflow, `MergeVolume` (the route for backups one task can hold; see Prepare): merges
 * every part's sources straight into the backup's one PDF at `outputKey` — the cover, the parts
 * in order, the bookmarks — as MergePart and Combine together would, without writing the parts
 * to S3 and reading them back. Every part's description (title, invoice, sources) is read from
 * the one manifest Prepare wrote (`manifestKey`). It answers the volume as the CombineVolumes
 * Map does (one), and writes every warning to S3 for Finalize.
 *
 * It hands the backup to the parts route, by failing with a name the workflow catches, when a
 * source is an encrypted PDF (EncryptedSources: DecryptSources runs in that route) or the backup
 * passes a volume's limits (NeedsVolumes: that route splits it). Nothing of its output remains.
 */
const mergeVolumeSchema = z.object({
  outputKey: z.string().check(z.minLength(1)),
  cover: coverSchema,
  /** Where Prepare wrote every part's description, in the backup's order (see `partsManifestSchema`). */
  manifestKey: z.string().check(z.minLength(1)),
});

/** The volume, as one answer of the CombineVolumes Map: Finalize takes either. */
export interface MergedVolume {
  volume: 1;
  pages: number;
  bytes: number;
  warningCount: number;
}

/**
 * Sources downloaded ahead of the one being merged, across parts: S3's latency stays off the
 * merge's path (one task merges every source in turn, where the Map ran four), and S3 always has
 * requests to answer. Memory holds at most this many sources besides the one merged, and never
 * more than the backup's sources, which the route keeps within config.backupSingleTaskMaxBytes
 * (256 MiB by default, in a function of 1,769 MB); their buffers are kept for the Lambda's next
 * invocations (fresh memory faults on first touch, which costs more CPU than reading the bytes).
 * Measured on the bench's backup: 16 ahead took 4.5–4.6 s, 8 ahead 5.3 s (2026-12-05).
 */
const SOURCES_AHEAD = 16;
const sourceBuffers = new DownloadBuffers(SOURCES_AHEAD + 1);

export const handler = async (event: unknown): Promise<MergedVolume[]> => {
  const { outputKey, cover, manifestKey } = parseEvent(mergeVolumeSchema, event);
  const { parts } = await getJson(manifestKey, partsManifestSchema);
  const upload = pdfUpload(outputKey);
  let written;
  let warnings;
  try {
    written = await writeVolume(cover, volumeSources(parts), (chunk) => upload.write(chunk), {
      limits: config.backupVolumeLimits,
      onEncrypted: ({ title, partOf }) => {
        throw new EncryptedSourcesError(`${title} in "${partOf}" is encrypted: the parts route decrypts the files that open without a password`);
      },
    });
    // Each part as PreparePart described it, with what the merge wrote of it (the title is the manifest's too).
    const summaries = written.parts.map((part, index) => mergedPartOf(parts[index]!, part));
    warnings = backupWarnings(summaries, written.coverPages);
    // Written while the volume's last bytes are sent: Finalize reads them once this task is done.
    await Promise.all([upload.end(), putJson(backupWarningsKey(outputKey), warnings)]);
  } catch (error) {
    await upload.abort();
    if (error instanceof VolumeLimitExceeded) throw new NeedsVolumesError(error.message);
    throw error;
  }
  const { pages, coverPages, bytes } = written;
  logger.info('Backup merged in one task', { outputKey, parts: parts.length, coverPages, pages, bytes, warnings: warnings.length });
  return [{ volume: 1, pages, bytes, warningCount: warnings.length }];
};

/** Every part's sources in order, each tagged with its part, downloaded ahead of the merge. */
function volumeSources(parts: PartToMerge[]): AsyncGenerator<VolumeSource> {
  const fetches = parts.flatMap((part, index) =>
    part.sources.map((source) => async () => ({ part: index, partTitle: part.title, source: await fetchMergeSource(source, part.title, sourceBuffers) })),
  );
  return inOrderAhead(fetches, SOURCES_AHEAD);
}
