import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { alertRow, World } from './utils/world';

type Groups = { data: { total: number; groups: { key: string; count: number }[] } };
type Series = { data: { buckets: { start: string; local_start: string; count: number }[] } };

describe('alert statistics', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let headers: Record<string, string>;
  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Stats');
    headers = world.bearer(tenant, ['alerts:read']);
    const created = at('2025-03-29T23:30:00Z'); // 00:30 on 30 March in Berlin, the day DST starts
    await world.prisma.alert.createMany({
      data: [
        alertRow(tenant.id, { severity: 'critical', source: 'Equipment-01', type: 'anomaly', createdAt: created, acknowledgedAt: at('2025-03-29T23:31:00Z'), acknowledgedBy: 'a', status: 'acknowledged' }),
        alertRow(tenant.id, { severity: 'critical', source: 'Equipment-01', type: 'anomaly', createdAt: created, acknowledgedAt: at('2025-03-29T23:33:00Z'), acknowledgedBy: 'a', resolvedAt: at('2025-03-30T00:30:00Z'), resolvedBy: 'a', status: 'resolved' }),
        alertRow(tenant.id, { severity: 'medium', source: 'Sensor-05', type: 'anomaly', createdAt: at('2025-03-31T10:00:00Z') }),
        alertRow(tenant.id, { severity: 'info', source: 'Sensor-05', type: 'availability', createdAt: at('2025-03-31T11:00:00Z') }),
        alertRow(tenant.id, { severity: 'info', source: 'System', type: 'availability', createdAt: at('2025-03-31T12:00:00Z') }),
      ],
    });
    const other = await world.tenant('Stats other');
    await world.prisma.alert.create({ data: alertRow(other.id, { severity: 'critical', createdAt: created }) });
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should count every severity, zeros included, critical first, within the tenant', async () => {
    const result = await http<Groups>(api, 'GET', '/v1/alerts/stats/severity', { headers });
    expect(result.body.data.groups).toEqual([
      { key: 'critical', count: 2 }, { key: 'high', count: 0 }, { key: 'medium', count: 1 }, { key: 'low', count: 0 }, { key: 'info', count: 2 },
    ]);
    expect(result.body.data.total).toBe(5);
  });

  it('should count by source (largest first), by type and by status, with the list filters applied', async () => {
    const source = await http<Groups>(api, 'GET', '/v1/alerts/stats/source', { headers });
    expect(source.body.data.groups).toEqual([{ key: 'Equipment-01', count: 2 }, { key: 'Sensor-05', count: 2 }, { key: 'System', count: 1 }]);
    const limited = await http<Groups>(api, 'GET', '/v1/alerts/stats/source?limit=1&created_from=2025-03-31', { headers });
    expect(limited.body.data).toEqual({ dimension: 'source', total: 3, groups: [{ key: 'Sensor-05', count: 2 }] });
    const type = await http<Groups>(api, 'GET', '/v1/alerts/stats/type?severity=info', { headers });
    expect(type.body.data.groups).toEqual([{ key: 'availability', count: 2 }]);
    const status = await http<Groups>(api, 'GET', '/v1/alerts/stats/status', { headers });
    expect(status.body.data.groups.map((g) => `${g.key}:${g.count}`)).toEqual(['open:3', 'acknowledged:1', 'escalated:0', 'resolved:1', 'dismissed:0']);
  });

  it('should bucket by day in the time zone across the DST change, empty days as zero', async () => {
    const result = await http<Series>(api, 'GET', '/v1/alerts/stats/timeseries?interval=day&timezone=Europe/Berlin&created_from=2025-03-29&created_to=2025-04-02', { headers });
    expect(result.body.data.buckets).toEqual([
      { start: '2025-03-28T23:00:00.000Z', local_start: '2025-03-29T00:00:00+01:00', count: 0 },
      { start: '2025-03-29T23:00:00.000Z', local_start: '2025-03-30T00:00:00+01:00', count: 2 },
      { start: '2025-03-30T22:00:00.000Z', local_start: '2025-03-31T00:00:00+02:00', count: 3 },
      { start: '2025-03-31T22:00:00.000Z', local_start: '2025-04-01T00:00:00+02:00', count: 0 },
    ]);
  });

  it('should bucket by hour and by week', async () => {
    const hours = await http<Series>(api, 'GET', '/v1/alerts/stats/timeseries?interval=hour&created_from=2025-03-31T09:00:00Z&created_to=2025-03-31T13:00:00Z', { headers });
    expect(hours.body.data.buckets.map((b) => b.count)).toEqual([0, 1, 1, 1]);
    const weeks = await http<Series>(api, 'GET', '/v1/alerts/stats/timeseries?interval=week&created_from=2025-03-24&created_to=2025-04-07', { headers });
    expect(weeks.body.data.buckets.map((b) => [b.local_start.slice(0, 10), b.count])).toEqual([['2025-03-24', 2], ['2025-03-31', 3]]);
  });

  it('should give mean, p50 and p90 time to acknowledge and to resolve per severity', async () => {
    const result = await http<{ data: { severity: string; time_to_acknowledge: object; time_to_resolve: object }[] }>(api, 'GET', '/v1/alerts/stats/response-times', { headers });
    const critical = result.body.data.find((r) => r.severity === 'critical');
    expect(critical?.time_to_acknowledge).toEqual({ count: 2, mean_seconds: 120, p50_seconds: 120, p90_seconds: 168 });
    expect(critical?.time_to_resolve).toEqual({ count: 1, mean_seconds: 3600, p50_seconds: 3600, p90_seconds: 3600 });
    expect(result.body.data.find((r) => r.severity === 'info')?.time_to_acknowledge).toEqual({ count: 0, mean_seconds: null, p50_seconds: null, p90_seconds: null });
  });

  it.each([
    ['interval=month', 'interval'],
    ['interval=hour&created_from=2020-01-01&created_to=2025-01-01', 'interval'],
    ['limit=0', 'limit'],
  ])('should answer 400 for %s', async (query, field) => {
    const result = await http<{ errors: { field: string }[] }>(api, 'GET', `/v1/alerts/stats/${query.startsWith('limit') ? 'source' : 'timeseries'}?${query}`, { headers });
    expect(result.status).toBe(400);
    expect(result.body.errors.map((e) => e.field)).toEqual([field]);
  });
});
