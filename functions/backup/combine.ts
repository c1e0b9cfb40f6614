import * as z from '../../shared/zod';
import type { BackupWarning } from '../../shared/domain/backups';
import { logger } from '../../shared/logger';
import { writeCombined } from '../../shared/pdf/combine';
import { backupWarnings, backupWarningsKey, DownloadBuffers, getObjectInto, InvalidInputError, parseEvent, partSummaryOf, type MergedPart, pdfUpload, putJson } from '../../shared/backup/task-io';
import { coverSchema } from '../../shared/backup/task-input';
import { volumeLabel, volumeName } from '../../shared/backup/volumes';

/**
 * Backup workflow, `Combine` (one per volume, see PlanVolumes): the volume's PDF at `outputKey`
 * (" - Volume 2 of 3" added when there are several) — a cover listing its parts with their page
 * numbers ("Volume 2 of 3" under the title), the merged parts in order, and bookmarks per part
 * and per source. Parts are our own output, so one that is missing or unreadable fails the run
 * rather than becoming a placeholder. Each part carries its summary (MergePart appended it):
 * the parts are written as they download, the cover's entries drawn as their summaries come and
 * its page numbers after the last. Every warning is written to S3 for Finalize, and the answer
 * carries counts only.
 */
const combineSchema = z.object({
  outputKey: z.string().check(z.minLength(1)),
  cover: coverSchema,
  /** Each part's size, as the Map answered it: the next parts download while one is written when they fit in memory beside it. */
  parts: z.array(z.object({ partKey: z.string().check(z.minLength(1)), bytes: z.optional(z.number().check(z.int(), z.nonnegative())) })).check(z.minLength(1)),
  /** Which volume of how many, and its parts among `parts` (PlanVolumes); all of them, one volume, by default. */
  volume: z._default(z.number().check(z.int(), z.positive()), 1),
  of: z._default(z.number().check(z.int(), z.positive()), 1),
  first: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  count: z.optional(z.number().check(z.int(), z.positive())),
});

/** Counts only: Finalize finds the volume's PDF and warnings by the job's output key and the volume. */
export interface CombinedBackup {
  volume: number;
  pages: number;
  bytes: number;
  warningCount: number;
}

/**
 * Parts are downloaded ahead of the one being written — up to `PARTS_AHEAD` of them, and only
 * while the parts held (the one written included) stay under `PREFETCH_LIMIT_BYTES` (an
 * invoice's part may reach its 50 attachments × 25 MiB): S3's latency overlaps the writing, and
 * memory then holds at most one large part at a time.
 */
const PARTS_AHEAD = 6;
const PREFETCH_LIMIT_BYTES = 256 * 1024 * 1024;

export const handler = async (event: unknown): Promise<CombinedBackup> => {
  const { outputKey: backupKey, cover: backupCover, parts: allParts, volume, of, first, count } = parseEvent(combineSchema, event);
  const partKeys = allParts.slice(first, count === undefined ? undefined : first + count);
  if (partKeys.length === 0) throw new InvalidInputError(`Volume ${volume} has no parts: it starts at part ${first + 1} of ${allParts.length}`);
  const outputKey = volumeName(backupKey, volume, of);
  // "Volume 2 of 3" under the title, and in the document's properties.
  const cover = of === 1 ? backupCover : { ...backupCover, lines: [volumeLabel(volume, of), ...backupCover.lines], subject: [backupCover.subject, volumeLabel(volume, of)].filter(Boolean).join(' — ') };
  // One part copied at a time, the next ones already downloading; the output is uploaded as it is written.
  const upload = pdfUpload(outputKey);
  // A part's buffer is reused for a later one once it is copied: fresh memory costs more than the copy.
  const buffers = new DownloadBuffers(PARTS_AHEAD + 2);
  const sizeOf = (index: number) => partKeys[index]!.bytes ?? Number.POSITIVE_INFINITY;
  const download = (index: number) =>
    getObjectInto(partKeys[index]!.partKey, buffers).then((part) => {
      if (!part) throw new Error(`Merged part ${partKeys[index]!.partKey} is missing from the bucket`);
      return part;
    });
  /** Downloads started, by part index, until their turn comes. */
  const started = new Map<number, Promise<Uint8Array>>();
  /** Starts downloading part `index` and those after it that fit beside it (a part of unknown size fits nothing). */
  const prefetch = (index: number) => {
    let held = 0;
    for (let at = index; at < partKeys.length && at <= index + PARTS_AHEAD; at++) {
      held += sizeOf(at);
      if (at > index && held > PREFETCH_LIMIT_BYTES) return;
      if (started.has(at)) continue;
      const fetching = download(at);
      // A download that fails while an earlier part is written is reported when its turn comes.
      fetching.catch(() => undefined);
      started.set(at, fetching);
    }
  };
  // The first parts download while the cover's title is drawn.
  prefetch(0);
  /** The part being copied: its buffer is free once the next one is asked for. */
  let copied: Uint8Array | undefined;
  let written;
  let warnings: BackupWarning[];
  const summaries: MergedPart[] = [];
  try {
    written = await writeCombined(
      cover,
      partKeys.length,
      async (index) => {
        if (copied) buffers.give(copied);
        copied = undefined;
        prefetch(index);
        const current = started.get(index)!;
        started.delete(index);
        return (copied = await current);
      },
      (index, appendix) => (summaries[index] = partSummaryOf(partKeys[index]!.partKey, appendix)),
      (chunk) => upload.write(chunk),
    );
    warnings = backupWarnings(summaries, written.coverPages, volume);
    // Written while the volume's last bytes are sent: Finalize reads them only once every Combine is done.
    await Promise.all([upload.end(), putJson(backupWarningsKey(outputKey), warnings)]);
  } catch (error) {
    await upload.abort();
    throw error;
  }
  const { pages, coverPages, bytes } = written;
  logger.info('Backup combined', { outputKey, volume, of, parts: partKeys.length, coverPages, pages, bytes, warnings: warnings.length });
  return { volume, pages, bytes, warningCount: warnings.length };
};
