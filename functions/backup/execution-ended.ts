import * as z from '../../shared/zod';
import { failBackupJob } from '../../shared/backup/fail-job';
import { parseEvent } from '../../shared/backup/task-io';
import { logger } from '../../shared/logger';
import { failureReason } from './mark-failed';

/**
 * Step Functions "Execution Status Change" for a backup execution that FAILED, TIMED_OUT or was
 * ABORTED. The ASL's Catch cannot see these all (a timeout, a stop, States.DataLimitExceeded):
 * this is what makes every job end. The job fails with the reason (one MarkFailed wrote first is
 * kept) and the requester is emailed, once, however often the event is delivered.
 */
const eventSchema = z.object({
  detail: z.object({
    executionArn: z.string(),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    input: z.nullish(z.string()),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
  }),
});
const jobSchema = z.object({ projectId: z.string().check(z.minLength(1)), jobId: z.string().check(z.minLength(1)) });

export function executionEndReason(detail: { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error?: string | null; cause?: string | null }): string {
  if (detail.status === 'TIMED_OUT') return 'The backup did not finish in the time it is allowed, so it was stopped';
  // A stop's cause says why (the local stack's restart gives one); StopExecution without one gives none.
  if (detail.status === 'ABORTED') return detail.cause ? `The backup was stopped before it finished: ${detail.cause}` : 'The backup was stopped before it finished';
  return failureReason({ Error: detail.error ?? undefined, Cause: detail.cause ?? undefined });
}

export const handler = async (event: unknown): Promise<{ marked: boolean; status?: string }> => {
  const { detail } = parseEvent(eventSchema, event);
  let input: unknown;
  try {
    input = JSON.parse(detail.input ?? '');
  } catch {
    input = undefined;
  }
  const job = jobSchema.safeParse(input);
  if (!job.success) {
    // Not a backup job's execution (AWS may omit an input over 256 KB): nothing to end.
    logger.warn('Backup execution ended without a job in its input', { executionArn: detail.executionArn, status: detail.status });
    return { marked: false };
  }
  const result = await failBackupJob(job.data, executionEndReason(detail), new Date());
  logger.warn('Backup execution ended without succeeding', { ...job.data, executionArn: detail.executionArn, status: detail.status, ...result });
  return result;
};
