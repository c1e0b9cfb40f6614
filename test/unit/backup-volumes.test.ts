import { describe, expect, it } from 'vitest';
import { planVolumes, volumeName } from '../../shared/backup/volumes';

describe('planVolumes', () => {
  const limits = { maxPages: 10, maxBytes: 1000 };

  it('keeps a backup within both limits in one volume', () => {
    expect(planVolumes([{ pages: 4, bytes: 300 }, { pages: 6, bytes: 700 }], limits)).toEqual([[0, 1]]);
  });

  it('starts a new volume between invoices when the next would pass the pages or the bytes', () => {
    const parts = [
      { pages: 6, bytes: 100 },
      { pages: 5, bytes: 100 }, // 11 pages: a new volume
      { pages: 1, bytes: 850 }, // 950 bytes: still fits
      { pages: 1, bytes: 100 }, // 1,050 bytes: a new volume
    ];
    expect(planVolumes(parts, limits)).toEqual([[0], [1, 2], [3]]);
  });

  it('gives an invoice bigger than a volume holds a volume of its own, never splitting it', () => {
    expect(planVolumes([{ pages: 2 }, { pages: 25 }, { pages: 2 }], limits)).toEqual([[0], [1], [2]]);
  });
});

describe('volumeName', () => {
  it('adds the volume before the extension when there are several, and leaves a single volume’s name as it is', () => {
    expect(volumeName('backups/j/Invoice backup - Tower - T-1.pdf', 2, 3)).toBe('backups/j/Invoice backup - Tower - T-1 - Volume 2 of 3.pdf');
    expect(volumeName('backup.pdf', 1, 1)).toBe('backup.pdf');
  });
});
