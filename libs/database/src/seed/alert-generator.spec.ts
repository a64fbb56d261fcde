import { generateAlert, seedTenants, toCopyLine } from './alert-generator';

const EPOCH = Date.UTC(2026, 0, 1);

describe('generateAlert', () => {
  const tenants = seedTenants(3);

  it('should write the same alert for the same seed and index', () => {
    expect(generateAlert(7, 42, tenants, EPOCH)).toEqual(generateAlert(7, 42, tenants, EPOCH));
    expect(generateAlert(7, 42, tenants, EPOCH)).not.toEqual(generateAlert(8, 42, tenants, EPOCH));
  });

  it('should skew severities toward low and keep lifecycle timestamps consistent with the status', () => {
    const alerts = Array.from({ length: 5_000 }, (_, i) => generateAlert(1, i, tenants, EPOCH));
    const count = (severity: string): number => alerts.filter((a) => a.severity === severity).length;
    expect(count('info') + count('low')).toBeGreaterThan(count('high') + count('critical'));
    expect(count('critical')).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(alert.created_at.getTime()).toBeLessThanOrEqual(EPOCH);
      expect(alert.created_at.getTime()).toBeGreaterThan(EPOCH - 366 * 86_400_000);
      expect(alert.acknowledged_at === null).toBe(alert.acknowledged_by === null);
      if (alert.status === 'open') expect(alert.acknowledged_at).toBeNull();
      if (alert.status === 'resolved') expect(alert.resolved_at!.getTime()).toBeGreaterThanOrEqual(alert.created_at.getTime());
      if (alert.status === 'dismissed') expect(alert.dismissed_at).not.toBeNull();
      expect(alert.id.startsWith('alr_')).toBe(true);
    }
    expect(new Set(alerts.map((a) => a.tenant_id)).size).toBe(3);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
  });

  it("should never date a lifecycle step after the epoch (the seed's now), however close to it the alert was created", () => {
    const alerts = Array.from({ length: 20_000 }, (_, i) => generateAlert(3, i, tenants, EPOCH));
    const stamps = (a: (typeof alerts)[number]) => [
      a.created_at,
      a.updated_at,
      a.starts_at,
      a.ends_at,
      a.acknowledged_at,
      a.escalated_at,
      a.resolved_at,
      a.dismissed_at,
    ];
    const late = alerts.filter((a) => stamps(a).some((at) => at !== null && at.getTime() > EPOCH));
    expect(late.map((a) => a.id)).toEqual([]);
    // Alerts created in the epoch's last two days and resolved exist, so the bound is exercised.
    expect(alerts.filter((a) => a.resolved_at !== null && a.created_at.getTime() > EPOCH - 2 * 86_400_000).length).toBeGreaterThan(0);
    for (const a of alerts) {
      const order = [a.created_at, a.acknowledged_at, a.escalated_at, a.resolved_at ?? a.dismissed_at]
        .filter((at): at is Date => at !== null)
        .map((at) => at.getTime());
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('should escape tabs, newlines and backslashes for COPY', () => {
    const alert = { ...generateAlert(1, 1, tenants, EPOCH), message: 'a\tb\nc\\d', assignee: null };
    const fields = toCopyLine(alert).slice(0, -1).split('\t');
    expect(fields[5]).toBe('a\\tb\\nc\\\\d');
    expect(fields[8]).toBe('\\N');
  });
});
