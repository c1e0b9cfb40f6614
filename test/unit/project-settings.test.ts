import { describe, expect, it } from 'vitest';
import { defaultProjectSettings, mergeRetainage, mergeSettings } from '../../shared/domain/project-settings';

const off = { workPercent: '10', workEnabled: true, materialsPercent: '0', materialsEnabled: false };

describe('retainage settings after a partial change', () => {
  it('a materials % above zero given alone turns materials retainage on (5b is no longer 0 without a word)', () => {
    expect(mergeRetainage(off, { materialsPercent: '5' })).toEqual({ ...off, materialsPercent: '5', materialsEnabled: true });
  });

  it('an explicit …Enabled wins, and a % of zero alone leaves the bucket as it was', () => {
    expect(mergeRetainage(off, { materialsPercent: '5', materialsEnabled: false })).toEqual({ ...off, materialsPercent: '5' });
    expect(mergeRetainage({ ...off, workEnabled: false }, { workPercent: '0.00' })).toEqual({ ...off, workEnabled: false, workPercent: '0.00' });
    expect(mergeRetainage({ ...off, workEnabled: false }, { workPercent: '7.5' })).toEqual({ ...off, workPercent: '7.5' });
  });

  it('a project created with only a materials % retains on stored materials', () => {
    const { settings } = mergeSettings({ ...defaultProjectSettings('en-US'), timeZone: 'America/New_York' }, { retainage: { materialsPercent: '5' } });
    expect(settings.retainage).toEqual({ workPercent: '10', workEnabled: true, materialsPercent: '5', materialsEnabled: true });
  });
});
