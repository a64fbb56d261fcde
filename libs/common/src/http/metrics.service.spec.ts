import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('should leave out the default gauges named _total that promtool refuses, keeping their labelled twins', async () => {
    const text = await new MetricsService().render();
    expect(text).not.toMatch(/^# TYPE nodejs_active_(handles|requests|resources)_total /m);
    expect(text).toMatch(/^# TYPE nodejs_active_handles gauge$/m);
  });

  it('should refuse application metrics that break the naming conventions', () => {
    const metrics = new MetricsService();
    expect(() => metrics.counter({ name: 'alert_ledger_exports', help: 'x' })).toThrow('ends _total');
    expect(() => metrics.counter({ name: 'exports_total', help: 'x' })).toThrow('alert_ledger_');
    expect(() => metrics.gauge({ name: 'alert_ledger_jobs_total', help: 'x' })).toThrow('only counters');
  });

  it('should hand the same metric to every caller of one name, so that two modules share it', async () => {
    const metrics = new MetricsService();
    metrics.counter({ name: 'alert_ledger_things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' });
    metrics.counter({ name: 'alert_ledger_things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' });
    expect(await metrics.render()).toContain('alert_ledger_things_total{kind="a"} 2');
  });
});
