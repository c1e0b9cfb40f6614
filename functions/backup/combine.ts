import * as z from 'zod';
import { logger } from '../../shared/logger';
import { combineParts, type MergeWarning } from '../../shared/pdf/merge';
import { backupWarningsKey, getJson, getObject, mergedPartSchema, parseEvent, partSummaryKey, putJson, putPdf } from '../../shared/backup/task-io';

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

/** Summaries read at once: each is a small object, and 500 one after the other would be slow. */
const summaryReadConcurrency = 16;

export const handler = async (event: unknown): Promise<CombinedBackup> => {
  const { outputKey, cover, parts: partKeys } = parseEvent(combineSchema, event);
  const parts = await mapLimited(partKeys, summaryReadConcurrency, ({ partKey }) => getJson(partSummaryKey(partKey), mergedPartSchema));
  // One part in memory at a time: its bytes are released once its pages are copied.
  const { pdf, pages, coverPages } = await combineParts(cover, parts, async (index) => {
    const { partKey } = parts[index]!;
    const part = await getObject(partKey);
    if (!part) throw new Error(`Merged part ${partKey} is missing from the bucket`);
    return part.bytes;
  });
  await putPdf(outputKey, pdf);
  const warnings: MergeWarning[] = parts.flatMap((part) => part.warnings);
  const warningsKey = backupWarningsKey(outputKey);
  await putJson(warningsKey, warnings);
  logger.info('Backup combined', { outputKey, parts: parts.length, coverPages, pages, bytes: pdf.byteLength, warnings: warnings.length });
  return { outputKey, pages, bytes: pdf.byteLength, warningsKey, warningCount: warnings.length };
};

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
