import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctionsClient } from '../aws/step-functions';
import type { PutOutcome } from '../aws/events';
import { config } from '../config';
import { loadBackupJob } from '../db/backups';
import { logger } from '../logger';
import type { BackupRequested } from '../../events/contracts';
import { failBackupJob } from './fail-job';

/**
 * Starting a queued job's workflow: the outbox's delivery of a `backup.requested` record (from
 * the request that wrote it, the table's stream, or the sweeper), at least once and in any order.
 */

/** A job's execution is named by its id, so its ARN is known before it starts. */
export const backupExecutionArn = (jobId: string) => `${config.backupStateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}`;

/** StartExecution's answers to a request that can never succeed; anything else (throttling, limits, the network) is retried. */
const cannotStart = new Set(['InvalidArn', 'InvalidName', 'InvalidExecutionInput', 'StateMachineDoesNotExist', 'ValidationException']);

export const backupNotStartedReason = 'The backup workflow could not be started';

/** One outcome per request, in order; a refused start is an outcome (retried later), not an exception. */
export function startBackupWorkflows(requests: readonly BackupRequested[]): Promise<PutOutcome[]> {
  return Promise.all(requests.map(startBackupWorkflow));
}

async function startBackupWorkflow({ projectId, jobId }: BackupRequested): Promise<PutOutcome> {
  // A job no longer queued was started already (it runs or ended) or failed meanwhile: nothing to start.
  const job = await loadBackupJob(projectId, jobId, { consistent: true });
  if (job?.status !== 'queued') return { accepted: true };
  try {
    // The same name and input while it runs is the same execution (AWS answers it again).
    await stepFunctionsClient().send(
      new StartExecutionCommand({ stateMachineArn: config.backupStateMachineArn, name: jobId, input: JSON.stringify({ projectId, jobId }) }),
    );
    return { accepted: true };
  } catch (error) {
    // This job's execution exists and has ended: an earlier delivery started it; its end event ends the job.
    if (error instanceof ExecutionAlreadyExists) return { accepted: true };
    const { name, message } = error as Error;
    if (!cannotStart.has(name)) return { accepted: false, reason: `${name}: ${message}` };
    logger.error('Backup workflow cannot be started', { projectId, jobId, error: error as Error });
    await failBackupJob({ projectId, jobId }, backupNotStartedReason, new Date());
    return { accepted: true };
  }
}
