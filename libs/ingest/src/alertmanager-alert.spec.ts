import { KnownAlert, resolves } from './alertmanager-alert';

describe('resolves (a resolved notification on a stored alert)', () => {
  const alert = (status: KnownAlert['status'], resolution: KnownAlert['resolution']) => ({ status, resolution }) as KnownAlert;
  const end = new Date('2026-05-12T07:51:50Z');

  it('should resolve an open alert Alertmanager never resolved', () => {
    expect(resolves(alert('open', null), end)).toBe(true);
    expect(resolves(alert('acknowledged', null), null)).toBe(true);
  });

  it('should leave a reopened alert open for the resolution it already recorded, and resolve it for another endsAt', () => {
    expect(resolves(alert('open', { ends_at: end.toISOString() }), end)).toBe(false);
    expect(resolves(alert('open', { ends_at: null }), null)).toBe(false);
    expect(resolves(alert('open', { ends_at: end.toISOString() }), new Date('2026-05-12T09:00:00Z'))).toBe(true);
  });

  it('should count a resolution recorded without its endsAt as the same, and never resolve a closed alert', () => {
    expect(resolves(alert('open', {}), end)).toBe(false);
    expect(resolves(alert('dismissed', null), end)).toBe(false);
    expect(resolves(alert('resolved', null), end)).toBe(false);
  });
});
