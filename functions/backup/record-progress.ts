import * as z from '../../shared/zod';
import { parseEvent } from '../../shared/backup/task-io';
import { recordBackupProgress } from '../../shared/db/backups';

/**
 * Backup workflow, `RecordProgress` (inside the Map, after MergePart): counts the merged part in
 * the job's progress, once per part whatever the retries. Its result is discarded (ResultPath
 * null), so the iteration still answers MergePart's summary.
 */
const inputSchema = z.object({
  projectId: z.string().check(z.minLength(1)),
  jobId: z.string().check(z.minLength(1)),
  partKey: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown): Promise<{ counted: boolean }> => {
  const { projectId, jobId, partKey } = parseEvent(inputSchema, event);
  return { counted: await recordBackupProgress({ projectId, jobId }, partKey, new Date()) };
};
