import * as z from 'zod';
import type { BackupWarning } from '../../shared/domain/backups';
import { logger } from '../../shared/logger';
import { writeCombined } from '../../shared/pdf/merge';
import { backupWarningsKey, getJson, getObject, mergedPartSchema, parseEvent, type MergedPart, partSummaryKey, pdfUpload, putJson } from '../../shared/backup/task-io';

/**
 * Backup workflow, `Combine`: the final PDF at `outputKey` — a cover listing the parts with
 * their page numbers, the merged parts in order, and bookmarks per part and per source. Parts
 * are our own output, so one that is missing or unreadable fails the run rather than becoming
 * a placeholder. The parts' summaries are read from S3 (MergePart wrote them); every warning is
 * written to S3 for Finalize, and the answer carries keys and counts only.
 */
const combineSchema = z.object({
  outputKey: z.string().min(1),
  cover: z.object({
    title: z.string().min(1),
    lines: z.array(z.string()),
    subject: z.string().optional(),
    author: z.string().optional(),
    createdAt: z.iso.datetime().optional(),
  }),
  parts: z.array(z.object({ partKey: z.string().min(1) })).min(1),
});

export interface CombinedBackup {
  outputKey: string;
  pages: number;
  bytes: number;
  warningsKey: string;
  warningCount: number;
}

/**
 * The next part is downloaded while one is written only when the two together stay under this
 * (an invoice's part may reach its 50 attachments × 25 MiB): memory then holds one large part at a time.
 */
const PREFETCH_LIMIT_BYTES = 256 * 1024 * 1024;
const prefetchFits = (current: MergedPart, next: MergedPart) =>
  current.bytes !== undefined && next.bytes !== undefined && current.bytes + next.bytes <= PREFETCH_LIMIT_BYTES;

/** Summaries read at once: each is a small object, and 500 one after the other would be slow. */
const summaryReadConcurrency = 16;

export const handler = async (event: unknown): Promise<CombinedBackup> => {
  const { outputKey, cover, parts: partKeys } = parseEvent(combineSchema, event);
  const parts = await mapLimited(partKeys, summaryReadConcurrency, ({ partKey }) => getJson(partSummaryKey(partKey), mergedPartSchema));
  // One part parsed at a time, the next one already downloading; the output is uploaded as it is written.
  const upload = pdfUpload(outputKey);
  const download = (index: number) =>
    getObject(parts[index]!.partKey).then((part) => {
      if (!part) throw new Error(`Merged part ${parts[index]!.partKey} is missing from the bucket`);
      return part.bytes;
    });
  let next: Promise<Uint8Array> | undefined;
  let written;
  try {
    written = await writeCombined(
      cover,
      parts,
      (index) => {
        const current = next ?? download(index);
        next = index + 1 < parts.length && prefetchFits(parts[index]!, parts[index + 1]!) ? download(index + 1) : undefined;
        // A prefetch that fails while the current part is parsed is reported when its turn comes.
        next?.catch(() => undefined);
        return current;
      },
      (chunk) => upload.write(chunk),
    );
    await upload.end();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  const { pages, coverPages, bytes } = written;
  const warnings = backupWarnings(parts, coverPages);
  const warningsKey = backupWarningsKey(outputKey);
  await putJson(warningsKey, warnings);
  logger.info('Backup combined', { outputKey, parts: parts.length, coverPages, pages, bytes, warnings: warnings.length });
  return { outputKey, pages, bytes, warningsKey, warningCount: warnings.length };
};

/**
 * Every file left out, in the PDF's order, named by its commitment, invoice and attachment, with
 * the page its placeholder took: the cover's pages, then each part's sources one after another.
 */
export function backupWarnings(parts: MergedPart[], coverPages: number): BackupWarning[] {
  const warnings: BackupWarning[] = [];
  let page = coverPages + 1;
  for (const { invoice, sources } of parts) {
    for (const source of sources) {
      if (source.leftOut !== undefined) {
        warnings.push({
          commitmentNumber: invoice.commitmentNumber,
          commitmentTitle: invoice.commitmentTitle,
          invoiceId: invoice.invoiceId,
          invoiceNumber: invoice.number,
          attachmentId: source.attachmentId ?? null,
          fileName: source.title,
          reason: source.leftOut,
          page,
        });
      }
      page += source.pages;
    }
  }
  return warnings;
}

/** `map` over the items with at most `limit` calls in flight, answers in the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
