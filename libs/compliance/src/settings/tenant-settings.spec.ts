import { DEFAULT_SETTINGS, MIN_RETENTION_DAYS, noteRequired, settingsOf } from './tenant-settings';

describe('tenant settings', () => {
  it('should default to 400 days (above PCI DSS 10.5.1’s twelve months), notes from high and no four eyes', () => {
    expect(settingsOf(null)).toEqual({ retentionDays: 400, noteRequiredFrom: 'high', fourEyesClose: false });
    expect(DEFAULT_SETTINGS.retentionDays).toBeGreaterThan(MIN_RETENTION_DAYS);
    expect(MIN_RETENTION_DAYS).toBeGreaterThanOrEqual(365);
  });

  it('should need a note at and above the threshold severity, and never with none', () => {
    const fromHigh = settingsOf(null);
    expect((['info', 'low', 'medium', 'high', 'critical'] as const).map((s) => noteRequired(fromHigh, s))).toEqual([false, false, false, true, true]);
    expect(noteRequired({ ...fromHigh, noteRequiredFrom: 'info' }, 'info')).toBe(true);
    expect(noteRequired({ ...fromHigh, noteRequiredFrom: null }, 'critical')).toBe(false);
  });
});
