import { afterEach, describe, expect, it } from 'vitest';
import { backupRoute } from '../../shared/backup/route';
import { config } from '../../shared/config';

const MiB = 1024 * 1024;
const limits = { singleTaskMaxBytes: 256 * MiB, volumeMaxBytes: 1024 * MiB };

describe('backupRoute', () => {
  it('takes the volume route up to the single-task limit, the limit itself included', () => {
    expect(backupRoute({ sourceBytes: 0, parts: 1 }, limits)).toEqual({ route: 'volume', reason: expect.stringContaining('fit one task (256.0 MiB)') });
    expect(backupRoute({ sourceBytes: 256 * MiB, parts: 500 }, limits).route).toBe('volume');
  });

  it('takes the parts route one byte over the single-task limit, naming both sizes', () => {
    expect(backupRoute({ sourceBytes: 256 * MiB + 1, parts: 1 }, limits)).toEqual({ route: 'parts', reason: 'its sources (256.0 MiB) are more than one task merges (256.0 MiB)' });
  });

  it('takes the parts route when the sources are more than one volume holds, whatever the single-task limit', () => {
    const generous = { singleTaskMaxBytes: 4096 * MiB, volumeMaxBytes: 1024 * MiB };
    expect(backupRoute({ sourceBytes: 1024 * MiB, parts: 3 }, generous).route).toBe('volume');
    expect(backupRoute({ sourceBytes: 1024 * MiB + 1, parts: 3 }, generous)).toEqual({ route: 'parts', reason: expect.stringContaining('more than one volume holds (1024.0 MiB)') });
  });

  it('takes the parts route when the volume route is switched off (0), or there is nothing to merge', () => {
    expect(backupRoute({ sourceBytes: 1, parts: 1 }, { ...limits, singleTaskMaxBytes: 0 })).toEqual({ route: 'parts', reason: expect.stringContaining('switched off') });
    expect(backupRoute({ sourceBytes: 0, parts: 0 }, limits)).toEqual({ route: 'parts', reason: 'the backup has no parts' });
  });
});

describe('config.backupSingleTaskMaxBytes', () => {
  afterEach(() => {
    delete process.env.BACKUP_SINGLE_TASK_MAX_BYTES;
  });

  it('is 256 MiB unless BACKUP_SINGLE_TASK_MAX_BYTES says otherwise; 0 is allowed (switches the volume route off)', () => {
    expect(config.backupSingleTaskMaxBytes).toBe(256 * MiB);
    process.env.BACKUP_SINGLE_TASK_MAX_BYTES = '0';
    expect(config.backupSingleTaskMaxBytes).toBe(0);
    process.env.BACKUP_SINGLE_TASK_MAX_BYTES = '1048576';
    expect(config.backupSingleTaskMaxBytes).toBe(MiB);
  });

  it('refuses a negative or non-numeric value, naming the variable', () => {
    for (const value of ['-1', 'lots', 'Infinity']) {
      process.env.BACKUP_SINGLE_TASK_MAX_BYTES = value;
      expect(() => config.backupSingleTaskMaxBytes).toThrow(`BACKUP_SINGLE_TASK_MAX_BYTES must be a positive number or 0, got ${value}`);
    }
  });
});
