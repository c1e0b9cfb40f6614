import * as z from '../../shared/zod';
import {
  backupWarnings,
  backupWarningsKey,
  DownloadBuffers,
  EncryptedSourcesError,
  fetchMergeSource,
  getJson,
  inOrderAhead,
  NeedsVolumesError,
  parseEvent,
  partManifestKey,
  partToMergeSchema,
  pdfUpload,
  putJson,
  type MergedPart,
} from '../../shared/backup/task-io';
import { coverSchema } from '../../shared/backup/task-input';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';
import { VolumeLimitExceeded, writeVolume, type VolumeSource } from '../../shared/pdf/volume';

/**
 * Backup workflow, `MergeVolume` (the route for backups one task can hold; see Prepare): merges
 * every part's sources straight into the backup's one PDF at `outputKey` — the cover, the parts
 * in order, the bookmarks — as MergePart and Combine together would, without writing the parts
 * to S3 and reading them back. Each part's description (title, invoice, sources) is read from
 * the manifest PreparePart wrote beside the part's key. It answers the volume as the
 * CombineVolumes Map does (one), and writes every warning to S3 for Finalize.
 *
 * It hands the backup to the parts route, by failing with a name the workflow catches, when a
 * source is an encrypted PDF (EncryptedSources: DecryptSources runs in that route) or the backup
 * passes a volume's limits (NeedsVolumes: that route splits it). Nothing of its output remains.
 */
const mergeVolumeSchema = z.object({
  outputKey: z.string().check(z.minLength(1)),
  cover: coverSchema,
  /** Prepare's parts, in the backup's order: each part's manifest is found by its key. */
  parts: z.array(z.object({ partKey: z.string().check(z.minLength(1)) })).check(z.minLength(1)),
});

/** The volume, as one answer of the CombineVolumes Map: Finalize takes either. */
export interface MergedVolume {
  volume: 1;
  pages: number;
  bytes: number;
  warningCount: number;
}

/** Manifests are small: several are read ahead of the sources they list. */
const MANIFESTS_AHEAD = 8;

/**
 * Sources downloaded ahead of the one being merged, across parts: memory holds at most this
 * many sources besides it (each at most the upload limit), in buffers kept for the Lambda's next
 * invocations (fresh memory faults on first touch, which costs more CPU than reading the bytes).
 */
const SOURCES_AHEAD = 3;
const sourceBuffers = new DownloadBuffers(SOURCES_AHEAD + 1);

export const handler = async (event: unknown): Promise<MergedVolume[]> => {
  const { outputKey, cover, parts } = parseEvent(mergeVolumeSchema, event);
  const manifests: Array<z.infer<typeof partToMergeSchema>> = [];
  const upload = pdfUpload(outputKey);
  let written;
  let warnings;
  try {
    written = await writeVolume(cover, volumeSources(parts, manifests), (chunk) => upload.write(chunk), {
      limits: config.backupVolumeLimits,
      onEncrypted: ({ title, partOf }) => {
        throw new EncryptedSourcesError(`${title} in "${partOf}" is encrypted: the parts route decrypts the files that open without a password`);
      },
    });
    const summaries: MergedPart[] = written.parts.map((part, index) => {
      const manifest = manifests[index]!;
      return {
        partKey: manifest.partKey,
        title: part.title,
        invoice: manifest.invoice,
        pages: part.pages,
        warnings: part.warnings,
        sources: part.sources.map((source, at) => ({ ...source, ...(manifest.sources[at]?.attachmentId && { attachmentId: manifest.sources[at].attachmentId }) })),
      };
    });
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

/**
 * Every part's sources in order, each tagged with its part; `manifests` collects the parts'
 * descriptions as they are read. Manifests and sources download ahead of the merge.
 */
function volumeSources(parts: Array<{ partKey: string }>, manifests: Array<z.infer<typeof partToMergeSchema>>): AsyncGenerator<VolumeSource> {
  const read = inOrderAhead(
    parts.map(({ partKey }) => () => getJson(partManifestKey(partKey), partToMergeSchema)),
    MANIFESTS_AHEAD,
  );
  async function* fetches(): AsyncGenerator<() => Promise<VolumeSource>> {
    for await (const manifest of read) {
      const part = manifests.length;
      if (manifest.partKey !== parts[part]!.partKey) throw new Error(`The manifest of part ${parts[part]!.partKey} describes ${manifest.partKey}`);
      manifests.push(manifest);
      for (const source of manifest.sources) {
        yield async () => ({ part, partTitle: manifest.title, source: await fetchMergeSource(source, manifest.title, sourceBuffers) });
      }
    }
  }
  return inOrderAhead(fetches(), SOURCES_AHEAD);
}
