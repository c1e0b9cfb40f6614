import * as z from '../../shared/zod';
import { parseEvent } from '../../shared/backup/task-input';
import { planVolumes } from '../../shared/backup/volumes';
import { config } from '../../shared/config';
import { logger } from '../../shared/logger';

/**
 * Backup workflow, `PlanVolumes` (after the Map, before Combine): splits the merged parts into
 * volumes within the configured limits (shared/backup/volumes.ts), from the pages and bytes of
 * each part as the Map answered them (MergePart's counts): it reads nothing from S3. One volume
 * for most backups; each volume is then combined by a task of its own. The answer carries
 * counts only.
 */
const countSchema = () => z.number().check(z.int(), z.nonnegative());
const inputSchema = z.object({ parts: z.array(z.object({ partKey: z.string().check(z.minLength(1)), pages: countSchema(), bytes: countSchema() })).check(z.minLength(1)) });

/** A volume's parts are consecutive: `count` of them from index `first` of the backup's parts (the state stays small). */
export interface PlannedVolume {
  volume: number;
  of: number;
  first: number;
  count: number;
}

export const handler = async (event: unknown): Promise<{ volumes: PlannedVolume[] }> => {
  const { parts } = parseEvent(inputSchema, event);
  const plan = planVolumes(parts, config.backupVolumeLimits);
  const volumes = plan.map((indexes, index) => ({ volume: index + 1, of: plan.length, first: indexes[0]!, count: indexes.length }));
  logger.info('Backup volumes planned', { parts: parts.length, volumes: volumes.length });
  return { volumes };
};
