import { z } from 'zod';
import { logger } from '../../shared/logger';
import { PdfMerger, type MergeWarning } from '../../shared/pdf/merge';
import { getObject, mergedPartSchema, parseEvent, putPdf } from '../../shared/backup/task-io';

/**
 * Backup workflow, `Combine`: appends the merged parts, in order, into the final PDF at
 * `outputKey`. Parts are our own output, so one that is missing or unreadable fails the run
 * rather than becoming a placeholder.
 */
const combineSchema = z.object({
  outputKey: z.string().min(1),
  parts: z.array(mergedPartSchema).min(1),
});

export interface CombinedBackup {
  outputKey: string;
  pages: number;
  bytes: number;
  warnings: MergeWarning[];
}

export const handler = async (event: unknown): Promise<CombinedBackup> => {
  const { outputKey, parts } = parseEvent(combineSchema, event);
  const merger = await PdfMerger.create();
  // One part in memory at a time: its bytes are released once its pages are copied.
  for (const { partKey } of parts) {
    const part = await getObject(partKey);
    if (!part) throw new Error(`Merged part ${partKey} is missing from the bucket`);
    await merger.appendPdf(part.bytes);
  }
  const { pdf, pages } = await merger.save();
  await putPdf(outputKey, pdf);
  const warnings = parts.flatMap((part) => part.warnings);
  logger.info('Backup combined', { outputKey, parts: parts.length, pages, bytes: pdf.byteLength, warnings: warnings.length });
  return { outputKey, pages, bytes: pdf.byteLength, warnings };
};
