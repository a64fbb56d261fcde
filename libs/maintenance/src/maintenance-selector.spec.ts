import { ActiveWindow, selectorMatches, suppressingWindow } from './maintenance-selector';

const alert = { source: 'prometheus', labels: { env: 'prod', team: 'db', cluster: 'eu-1' }, systemKey: 'db-primary' };
const any = { source: null, labels: {}, systemKey: null };

describe('selectorMatches', () => {
  it('should match every alert with an empty selector', () => {
    expect(selectorMatches(any, alert)).toBe(true);
    expect(selectorMatches(any, { source: 'x', labels: {}, systemKey: null })).toBe(true);
  });

  it('should match the source exactly (not a substring, not another case)', () => {
    expect(selectorMatches({ ...any, source: 'prometheus' }, alert)).toBe(true);
    expect(selectorMatches({ ...any, source: 'prom' }, alert)).toBe(false);
    expect(selectorMatches({ ...any, source: 'Prometheus' }, alert)).toBe(false);
  });

  it('should match when every label pair of the window is among the alert’s labels', () => {
    expect(selectorMatches({ ...any, labels: { env: 'prod' } }, alert)).toBe(true);
    expect(selectorMatches({ ...any, labels: { env: 'prod', team: 'db' } }, alert)).toBe(true);
    expect(selectorMatches({ ...any, labels: { env: 'prod', team: 'web' } }, alert)).toBe(false);
    expect(selectorMatches({ ...any, labels: { region: 'eu' } }, alert)).toBe(false);
    expect(selectorMatches({ ...any, labels: { env: '' } }, { ...alert, labels: {} })).toBe(false);
  });

  it('should not take an inherited property for a label', () => {
    expect(selectorMatches({ ...any, labels: { toString: Object.prototype.toString as unknown as string } }, { ...alert, labels: {} })).toBe(false);
  });

  it('should match the system key exactly, and never an alert without one', () => {
    expect(selectorMatches({ ...any, systemKey: 'db-primary' }, alert)).toBe(true);
    expect(selectorMatches({ ...any, systemKey: 'db-replica' }, alert)).toBe(false);
    expect(selectorMatches({ ...any, systemKey: 'db-primary' }, { ...alert, systemKey: null })).toBe(false);
  });

  it('should need every part of the selector to hold', () => {
    const window = { source: 'prometheus', labels: { env: 'prod' }, systemKey: 'db-primary' };
    expect(selectorMatches(window, alert)).toBe(true);
    expect(selectorMatches(window, { ...alert, source: 'zabbix' })).toBe(false);
    expect(selectorMatches(window, { ...alert, labels: { env: 'staging' } })).toBe(false);
    expect(selectorMatches(window, { ...alert, systemKey: 'web-1' })).toBe(false);
  });
});

describe('suppressingWindow', () => {
  it('should answer the first matching window in the order given (the earliest started), or null', () => {
    const windows: ActiveWindow[] = [
      { id: 'mnt_A', source: 'zabbix', labels: {}, systemKey: null },
      { id: 'mnt_B', source: null, labels: { env: 'prod' }, systemKey: null },
      { id: 'mnt_C', source: null, labels: {}, systemKey: null },
    ];
    expect(suppressingWindow(windows, alert)).toBe('mnt_B');
    expect(suppressingWindow(windows, { ...alert, labels: {} })).toBe('mnt_C');
    expect(suppressingWindow(windows.slice(0, 2), { ...alert, labels: {} })).toBeNull();
    expect(suppressingWindow([], alert)).toBeNull();
  });
});
