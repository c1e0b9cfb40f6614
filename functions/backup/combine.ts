import { z } from 'zod';
import { logger } from '../../shared/logger';
import { combineParts, type MergeWarning } from '../../shared/pdf/merge';
import { getObject, mergedPartSchema, parseEvent, putPdf } from '../../shared/backup/task-io';

/**
 * Backup workflow, `Combine`: the final PDF at `outputKey` — a cover listing the parts with
 * their page numbers, the merged parts in order, and bookmarks per part and per source. Parts
 * are our own output, so one that is missing or unreadable fails the run rather than becoming
 * a placeholder.
 */
const combineSchema = z.object({
  outputKey: z.string().min(1),
  cover: z.object({ title: z.string().min(1), lines: z.array(z.string()) }),
  parts: z.array(mergedPartSchema).min(1),
});

export interface CombinedBackup {
  outputKey: string;
  pages: number;
  bytes: number;
  warnings: MergeWarning[];
}

export const handler = async (event: unknown): Promise<CombinedBackup> => {
  const { outputKey, cover, parts } = parseEvent(combineSchema, event);
  // One part in memory at a time: its bytes are released once its pages are copied.
  const { pdf, pages, coverPages } = await combineParts(cover, parts, async (index) => {
    const { partKey } = parts[index]!;
    const part = await getObject(partKey);
    if (!part) throw new Error(`Merged part ${partKey} is missing from the bucket`);
    return part.bytes;
  });
  await putPdf(outputKey, pdf);
  const warnings = parts.flatMap((part) => part.warnings);
  logger.info('Backup combined', { outputKey, parts: parts.length, coverPages, pages, bytes: pdf.byteLength, warnings: warnings.length });
  return { outputKey, pages, bytes: pdf.byteLength, warnings };
};
