/**
 * Backup volumes: a backup bigger than one Combine task should write (pages or bytes, each
 * configurable) is split, between invoices, into volumes written by tasks of their own, each a
 * complete PDF — its cover says "Volume 1 of 3", its contents and bookmarks list its invoices.
 * An invoice is never split: one larger than a volume's limits is a volume by itself.
 */

export interface VolumeLimits {
  maxPages: number;
  maxBytes: number;
}

/**
 * The parts of each volume (indexes into `parts`, in order): parts are added to a volume while it
 * stays within both limits.
 */
export function planVolumes(parts: ReadonlyArray<{ pages: number; bytes?: number }>, limits: VolumeLimits): number[][] {
  const volumes: number[][] = [];
  let current: number[] = [];
  let pages = 0;
  let bytes = 0;
  parts.forEach((part, index) => {
    const partBytes = part.bytes ?? 0;
    if (current.length > 0 && (pages + part.pages > limits.maxPages || bytes + partBytes > limits.maxBytes)) {
      volumes.push(current);
      current = [];
      pages = 0;
      bytes = 0;
    }
    current.push(index);
    pages += part.pages;
    bytes += partBytes;
  });
  if (current.length > 0) volumes.push(current);
  return volumes;
}

/** "Volume 2 of 3", as each volume's cover, file name and email say it. */
export const volumeLabel = (volume: number, of: number) => `Volume ${volume} of ${of}`;

/**
 * A volume's file name or S3 key: the backup's own when it is the only one, else the backup's
 * with " - Volume 2 of 3" before the extension.
 */
export function volumeName(name: string, volume: number, of: number): string {
  if (of === 1) return name;
  const extension = /\.pdf$/i.exec(name)?.[0] ?? '';
  return `${name.slice(0, name.length - extension.length)} - ${volumeLabel(volume, of)}${extension}`;
}
