import * as z from '../../shared/zod';
import { parseEvent } from '../../shared/backup/task-io';
import { markBackupFailed } from '../../shared/db/backups';
import { logger } from '../../shared/logger';

/**
 * Backup workflow, `MarkFailed` (every Catch leads here): the job fails with the reason in words.
 * The state machine then ends in its Fail state, so the execution (and its alarm) fails too.
 */
const inputSchema = z.object({
  projectId: z.string().check(z.minLength(1)),
  jobId: z.string().check(z.minLength(1)),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

/** Longest reason kept on the job. */
const maxReasonLength = 1000;

/**
 * A Lambda task's Cause is its error as JSON (`errorMessage`, `errorType`, `stackTrace`): keep the
 * message only. States errors (timeouts, …) carry plain text.
 */
export function failureReason(error: { Error?: string; Cause?: string } | undefined): string {
  let reason = error?.Cause ?? '';
  try {
    const parsed = JSON.parse(reason) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') reason = parsed.errorMessage;
  } catch {
    // not JSON: the text is the reason
  }
  reason = reason.trim() || error?.Error || 'The backup workflow failed';
  return reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength - 1)}…` : reason;
}

export const handler = async (event: unknown): Promise<{ marked: boolean }> => {
  const { projectId, jobId, error } = parseEvent(inputSchema, event);
  const reason = failureReason(error);
  const marked = await markBackupFailed({ projectId, jobId }, reason, new Date());
  logger.warn('Backup failed', { projectId, jobId, error: error?.Error, reason, marked });
  return { marked };
};
