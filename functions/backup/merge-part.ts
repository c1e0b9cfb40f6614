import * as z from 'zod';
import { getObject, parseEvent, partSummaryKey, putJson, putPdf, type MergedPart } from '../../shared/backup/task-io';
import { logger } from '../../shared/logger';
import { mergeDocuments, type MergeSource } from '../../shared/pdf/merge';

/**
 * Backup workflow, `MergePart` (inside the Map): merges one part's S3 documents into one PDF
 * at `partKey`, and its summary (titles, pages, warnings) beside it for Combine. It answers keys
 * and counts only: the Map collects one answer per invoice into the workflow's state.
 */

const partSchema = z.object({
  partKey: z.string().min(1),
  title: z.string().min(1),
  sources: z.array(z.object({ key: z.string().min(1), title: z.string().min(1) })).min(1),
});

const MISSING_SOURCE = 'the file was not found in storage';

export interface MergedPartCounts {
  partKey: string;
  pages: number;
  warningCount: number;
}

export const handler = async (event: unknown): Promise<MergedPartCounts> => {
  const part = parseEvent(partSchema, event);
  const { pdf, pages, warnings, sources } = await mergeDocuments(fetchSources(part.sources));
  await putPdf(part.partKey, pdf);
  const summary: MergedPart = { partKey: part.partKey, title: part.title, pages, warnings, sources };
  await putJson(partSummaryKey(part.partKey), summary);
  logger.info('Backup part merged', { partKey: part.partKey, sources: part.sources.length, pages, warnings: warnings.length });
  return { partKey: part.partKey, pages, warningCount: warnings.length };
};

/** Fetches each source only when the merge reaches it, so one source's bytes are held at a time. */
async function* fetchSources(sources: Array<{ key: string; title: string }>): AsyncGenerator<MergeSource> {
  for (const { key, title } of sources) {
    const object = await getObject(key);
    yield object ? { title, ...object } : { title, unavailable: MISSING_SOURCE };
  }
}
