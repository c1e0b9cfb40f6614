/**
 * Which way the backup workflow merges a backup (shared/wiring/backup.asl.json, after Prepare):
 * - 'volume': one task (MergeVolume) reads every source and writes the one volume PDF — the
 *   backup passes through S3 once, not three times as parts written and read back;
 * - 'parts': each invoice merged into a part in S3 by the Map, then the parts combined into
 *   volumes (any size, several volumes when the limits say so).
 * The volume route is for backups one task can hold; MergeVolume still hands a backup over to
 * the parts route when it meets what only that route handles (encrypted sources, several volumes).
 */

export type BackupRoute = 'volume' | 'parts';

/**
 * What an invoice's own PDF is counted as, since no item stores its size. Rendered: the G702/G703
 * renderer writes 21 KB for 3 lines and 113 KB for 250 (2026-12-05), so twice the largest. Signed:
 * the e-signature workflow's copy, which a provider may have rebuilt (scanned pages, certificates).
 */
export const invoicePdfEstimateBytes = { rendered: 256 * 1024, signed: 1024 * 1024 } as const;

export interface BackupRouteLimits {
  /** config.backupSingleTaskMaxBytes: 0 switches the volume route off. */
  singleTaskMaxBytes: number;
  /** config.backupVolumeLimits.maxBytes: sources bigger than one volume need several, which only the parts route writes. */
  volumeMaxBytes: number;
}

export interface BackupRouteDecision {
  route: BackupRoute;
  /** Why, for the log. */
  reason: string;
}

export function backupRoute({ sourceBytes, parts }: { sourceBytes: number; parts: number }, limits: BackupRouteLimits): BackupRouteDecision {
  const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (limits.singleTaskMaxBytes <= 0) return { route: 'parts', reason: 'the volume route is switched off (BACKUP_SINGLE_TASK_MAX_BYTES=0)' };
  if (parts < 1) return { route: 'parts', reason: 'the backup has no parts' };
  if (sourceBytes > limits.volumeMaxBytes) return { route: 'parts', reason: `its sources (${mib(sourceBytes)}) are more than one volume holds (${mib(limits.volumeMaxBytes)})` };
  if (sourceBytes > limits.singleTaskMaxBytes) return { route: 'parts', reason: `its sources (${mib(sourceBytes)}) are more than one task merges (${mib(limits.singleTaskMaxBytes)})` };
  return { route: 'volume', reason: `its sources (${mib(sourceBytes)}) fit one task (${mib(limits.singleTaskMaxBytes)})` };
}
