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
        alertRow(tenant.id, {
          severity: 'critical',
          source: 'Equipment-01',
          type: 'anomaly',
          createdAt: created,
          acknowledgedAt: at('2025-03-29T23:31:00Z'),
          acknowledgedBy: 'a',
          status: 'acknowledged',
        }),
        alertRow(tenant.id, {
          severity: 'critical',
          source: 'Equipment-01',
          type: 'anomaly',
          createdAt: created,
          acknowledgedAt: at('2025-03-29T23:33:00Z'),
          acknowledgedBy: 'a',
          resolvedAt: at('2025-03-30T00:30:00Z'),
          resolvedBy: 'a',
          status: 'resolved',
        }),
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
      { key: 'critical', count: 2 },
      { key: 'high', count: 0 },
      { key: 'medium', count: 1 },
      { key: 'low', count: 0 },
      { key: 'info', count: 2 },
    ]);
    expect(result.body.data.total).toBe(5);
    // limit bounds open dimensions only: severity and status still count every value.
    const limited = await http<Groups>(api, 'GET', '/v1/alerts/stats/severity?limit=1', { headers });
    expect(limited.body.data).toEqual(result.body.data);
    const status = await http<Groups>(api, 'GET', '/v1/alerts/stats/status?limit=1', { headers });
    expect(status.body.data.total).toBe(5);
    expect(status.body.data.groups).toHaveLength(5);
  });

  it('should count by source (largest first), by type and by status, with the list filters applied', async () => {
    const source = await http<Groups>(api, 'GET', '/v1/alerts/stats/source', { headers });
    expect(source.body.data.groups).toEqual([
      { key: 'Equipment-01', count: 2 },
      { key: 'Sensor-05', count: 2 },
      { key: 'System', count: 1 },
    ]);
    const limited = await http<Groups>(api, 'GET', '/v1/alerts/stats/source?limit=1&created_from=2025-03-31', { headers });
    expect(limited.body.data).toEqual({ dimension: 'source', total: 3, groups: [{ key: 'Sensor-05', count: 2 }] });
    const type = await http<Groups>(api, 'GET', '/v1/alerts/stats/type?severity=info', { headers });
    expect(type.body.data.groups).toEqual([{ key: 'availability', count: 2 }]);
    const status = await http<Groups>(api, 'GET', '/v1/alerts/stats/status', { headers });
    expect(status.body.data.groups.map((g) => `${g.key}:${g.count}`)).toEqual(['open:3', 'acknowledged:1', 'escalated:0', 'resolved:1', 'dismissed:0']);
  });

  it('should bucket by day in the time zone across the DST change, empty days as zero', async () => {
    const result = await http<Series>(
      api,
      'GET',
      '/v1/alerts/stats/timeseries?interval=day&timezone=Europe/Berlin&created_from=2025-03-29&created_to=2025-04-02',
      { headers },
    );
    expect(result.body.data.buckets).toEqual([
      { start: '2025-03-28T23:00:00.000Z', local_start: '2025-03-29T00:00:00+01:00', count: 0 },
      { start: '2025-03-29T23:00:00.000Z', local_start: '2025-03-30T00:00:00+01:00', count: 2 },
      { start: '2025-03-30T22:00:00.000Z', local_start: '2025-03-31T00:00:00+02:00', count: 3 },
      { start: '2025-03-31T22:00:00.000Z', local_start: '2025-04-01T00:00:00+02:00', count: 0 },
    ]);
  });

  it('should bucket by hour on the zone’s own hours, a half-hour offset included', async () => {
    // Asia/Kolkata is UTC+05:30: its hours start at :30 UTC, so 10:00Z (15:30 local) is in the 15:00 bucket.
    const result = await http<Series>(
      api,
      'GET',
      '/v1/alerts/stats/timeseries?interval=hour&timezone=Asia/Kolkata&created_from=2025-03-31T15:00:00%2B05:30&created_to=2025-03-31T19:00:00%2B05:30',
      { headers },
    );
    expect(result.body.data.buckets).toEqual([
      { start: '2025-03-31T09:30:00.000Z', local_start: '2025-03-31T15:00:00+05:30', count: 1 },
      { start: '2025-03-31T10:30:00.000Z', local_start: '2025-03-31T16:00:00+05:30', count: 1 },
      { start: '2025-03-31T11:30:00.000Z', local_start: '2025-03-31T17:00:00+05:30', count: 1 },
      { start: '2025-03-31T12:30:00.000Z', local_start: '2025-03-31T18:00:00+05:30', count: 0 },
    ]);
  });

  it('should bucket by hour and by week', async () => {
    const hours = await http<Series>(
      api,
      'GET',
      '/v1/alerts/stats/timeseries?interval=hour&created_from=2025-03-31T09:00:00Z&created_to=2025-03-31T13:00:00Z',
      { headers },
    );
    expect(hours.body.data.buckets.map((b) => b.count)).toEqual([0, 1, 1, 1]);
    const weeks = await http<Series>(api, 'GET', '/v1/alerts/stats/timeseries?interval=week&created_from=2025-03-24&created_to=2025-04-07', { headers });
    expect(weeks.body.data.buckets.map((b) => [b.local_start.slice(0, 10), b.count])).toEqual([
      ['2025-03-24', 2],
      ['2025-03-31', 3],
    ]);
  });

  it('should give mean, p50 and p90 time to acknowledge and to resolve per severity', async () => {
    const result = await http<{ data: { severity: string; time_to_acknowledge: object; time_to_resolve: object }[] }>(
      api,
      'GET',
      '/v1/alerts/stats/response-times',
      { headers },
    );
    const critical = result.body.data.find((r) => r.severity === 'critical');
    expect(critical?.time_to_acknowledge).toEqual({ count: 2, mean_seconds: 120, p50_seconds: 120, p90_seconds: 168 });
    expect(critical?.time_to_resolve).toEqual({ count: 1, mean_seconds: 3600, p50_seconds: 3600, p90_seconds: 3600 });
    expect(result.body.data.find((r) => r.severity === 'info')?.time_to_acknowledge).toEqual({
      count: 0,
      mean_seconds: null,
      p50_seconds: null,
      p90_seconds: null,
    });
  });

  it('should give the overall figures beside the per-severity ones, zeros and nulls when nothing matched', async () => {
    const result = await http<{ data: { severity: string; time_to_acknowledge: object; time_to_resolve: object }[] }>(
      api,
      'GET',
      '/v1/alerts/stats/response-times',
      { headers },
    );
    expect(result.body.data.map((r) => r.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info', 'all']);
    const all = result.body.data[5];
    expect(all.time_to_acknowledge).toEqual({ count: 2, mean_seconds: 120, p50_seconds: 120, p90_seconds: 168 });
    expect(all.time_to_resolve).toEqual({ count: 1, mean_seconds: 3600, p50_seconds: 3600, p90_seconds: 3600 });
    const none = await http<{ data: { severity: string; time_to_acknowledge: object }[] }>(api, 'GET', '/v1/alerts/stats/response-times?severity=high', {
      headers,
    });
    expect(none.body.data[5]).toEqual({
      severity: 'all',
      time_to_acknowledge: { count: 0, mean_seconds: null, p50_seconds: null, p90_seconds: null },
      time_to_resolve: { count: 0, mean_seconds: null, p50_seconds: null, p90_seconds: null },
    });
  });

  type Grouped = {
    data: { group_by: string; groups: string[]; buckets: { local_start: string; count: number; groups: { key: string; count: number }[]; other?: number }[] };
  };
  const range = 'interval=day&timezone=Europe/Berlin&created_from=2025-03-29&created_to=2025-04-02';

  it('should split each bucket by severity, every severity named, critical first', async () => {
    const result = await http<Grouped>(api, 'GET', `/v1/alerts/stats/timeseries?${range}&group_by=severity&limit=1`, { headers });
    expect(result.status).toBe(200);
    expect(result.body.data.group_by).toBe('severity');
    expect(result.body.data.groups).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(result.body.data.buckets.map((b) => [b.local_start.slice(0, 10), b.count, b.groups.map((g) => g.count), b.other])).toEqual([
      ['2025-03-29', 0, [0, 0, 0, 0, 0], undefined],
      ['2025-03-30', 2, [2, 0, 0, 0, 0], undefined],
      ['2025-03-31', 3, [0, 0, 1, 0, 2], undefined],
      ['2025-04-01', 0, [0, 0, 0, 0, 0], undefined],
    ]);
  });

  it('should split by status with the list filters applied', async () => {
    const result = await http<Grouped>(api, 'GET', `/v1/alerts/stats/timeseries?${range}&group_by=status&severity=critical`, { headers });
    expect(result.body.data.groups).toEqual(['open', 'acknowledged', 'escalated', 'resolved', 'dismissed']);
    expect(result.body.data.buckets[1].groups).toEqual([
      { key: 'open', count: 0 },
      { key: 'acknowledged', count: 1 },
      { key: 'escalated', count: 0 },
      { key: 'resolved', count: 1 },
      { key: 'dismissed', count: 0 },
    ]);
    expect(result.body.data.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(2);
  });

  it('should split by the largest sources over the range and sum the rest as other', async () => {
    const result = await http<Grouped>(api, 'GET', `/v1/alerts/stats/timeseries?${range}&group_by=source&limit=2`, { headers });
    // Equipment-01 and Sensor-05 have two alerts each (ties by name), System one: it is `other`.
    expect(result.body.data.groups).toEqual(['Equipment-01', 'Sensor-05']);
    expect(result.body.data.buckets.map((b) => [b.count, b.groups.map((g) => `${g.key}:${g.count}`), b.other])).toEqual([
      [0, ['Equipment-01:0', 'Sensor-05:0'], 0],
      [2, ['Equipment-01:2', 'Sensor-05:0'], 0],
      [3, ['Equipment-01:0', 'Sensor-05:2'], 1],
      [0, ['Equipment-01:0', 'Sensor-05:0'], 0],
    ]);
    const all = await http<Grouped>(api, 'GET', `/v1/alerts/stats/timeseries?${range}&group_by=source`, { headers });
    expect(all.body.data.groups).toEqual(['Equipment-01', 'Sensor-05', 'System']);
    expect(all.body.data.buckets.every((b) => b.other === 0)).toBe(true);
    const plain = await http<Grouped>(api, 'GET', `/v1/alerts/stats/timeseries?${range}`, { headers });
    expect([plain.body.data.group_by, plain.body.data.groups, plain.body.data.buckets[1].groups]).toEqual([undefined, undefined, undefined]);
  });

  it.each([
    ['interval=month', 'interval'],
    ['interval=hour&created_from=2020-01-01&created_to=2025-01-01', 'interval'],
    ['limit=0', 'limit'],
    ['group_by=type', 'group_by'],
    ['group_by=source&limit=21', 'limit'],
  ])('should answer 400 for %s', async (query, field) => {
    const result = await http<{ errors: { field: string }[] }>(api, 'GET', `/v1/alerts/stats/${query.startsWith('limit') ? 'source' : 'timeseries'}?${query}`, {
      headers,
    });
    expect(result.status).toBe(400);
    expect(result.body.errors.map((e) => e.field)).toEqual([field]);
  });
});

describe('alert statistics on the autumn DST change', () => {
  let api: TestApi;
  const world = new World();
  let headers: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    const tenant = await world.tenant('Stats DST');
    headers = world.bearer(tenant, ['alerts:read']);
    // 26 October 2025 in Berlin has 25 hours: 03:00 CEST (+02:00) falls back to 02:00 CET (+01:00), so 02:00–03:00 comes twice.
    await world.prisma.alert.createMany({
      data: ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z', '2025-10-26T01:45:00Z', '2025-10-26T22:30:00Z'].map((iso) =>
        alertRow(tenant.id, { createdAt: new Date(iso) }),
      ),
    });
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should make the fall-back day one bucket of 25 hours, from local midnight to local midnight', async () => {
    const result = await http<Series>(
      api,
      'GET',
      '/v1/alerts/stats/timeseries?interval=day&timezone=Europe/Berlin&created_from=2025-10-25&created_to=2025-10-28',
      { headers },
    );
    expect(result.body.data.buckets).toEqual([
      { start: '2025-10-24T22:00:00.000Z', local_start: '2025-10-25T00:00:00+02:00', count: 0 },
      { start: '2025-10-25T22:00:00.000Z', local_start: '2025-10-26T00:00:00+02:00', count: 4 },
      { start: '2025-10-26T23:00:00.000Z', local_start: '2025-10-27T00:00:00+01:00', count: 0 },
    ]);
  });

  it('should give the fall-back day 25 hour buckets, the repeated 02:00 once with each offset', async () => {
    const result = await http<Series>(
      api,
      'GET',
      '/v1/alerts/stats/timeseries?interval=hour&timezone=Europe/Berlin&created_from=2025-10-26&created_to=2025-10-27',
      { headers },
    );
    const buckets = result.body.data.buckets;
    expect(buckets).toHaveLength(25);
    expect(buckets.slice(1, 5).map((b) => [b.local_start, b.count])).toEqual([
      ['2025-10-26T01:00:00+02:00', 0],
      ['2025-10-26T02:00:00+02:00', 1],
      ['2025-10-26T02:00:00+01:00', 2],
      ['2025-10-26T03:00:00+01:00', 0],
    ]);
    expect(buckets[24]).toEqual({ start: '2025-10-26T22:00:00.000Z', local_start: '2025-10-26T23:00:00+01:00', count: 1 });
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(4);
  });
});

describe('alert statistics of ingested Alertmanager alerts', () => {
  let api: TestApi;
  const world = new World();
  let headers: Record<string, string>;
  let ingest: Record<string, string>;

  type ResponseTimes = {
    data: {
      severity: string;
      time_to_acknowledge: { count: number };
      time_to_resolve: { count: number; mean_seconds: number | null; p50_seconds: number | null; p90_seconds: number | null };
    }[];
  };
  const payload = (status: 'firing' | 'resolved', alerts: object[]) => ({
    version: '4',
    groupKey: '{}:{alertname="DiskFull"}',
    status,
    receiver: 'ops',
    groupLabels: { alertname: 'DiskFull' },
    alerts,
  });
  const amAlert = (fingerprint: string, status: 'firing' | 'resolved', labels: Record<string, string>, startsAt: string, endsAt = '0001-01-01T00:00:00Z') => ({
    status,
    labels: { alertname: 'DiskFull', ...labels },
    annotations: { summary: `${labels.instance} disk full` },
    startsAt,
    endsAt,
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint,
  });
  const post = async (body: object) => {
    const result = await http(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest });
    expect(result.status).toBe(200);
  };

  beforeAll(async () => {
    api = await startApi();
    const tenant = await world.tenant('Stats ingest');
    headers = world.bearer(tenant, ['alerts:read']);
    ingest = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
    await post(
      payload('firing', [
        amAlert('st-1', 'firing', { severity: 'critical', instance: 'db-01:9100' }, '2026-05-12T07:46:50Z'),
        amAlert('st-2', 'firing', { severity: 'warning', instance: 'db-01:9100' }, '2026-05-12T07:40:00Z'),
        amAlert('st-3', 'firing', { severity: 'info', instance: 'web-01:9100' }, '2026-05-12T07:30:00Z'),
      ]),
    );
    // st-1 resolves five minutes after it started; st-4 arrives already resolved (its firing notification never came).
    await post(
      payload('resolved', [amAlert('st-1', 'resolved', { severity: 'critical', instance: 'db-01:9100' }, '2026-05-12T07:46:50Z', '2026-05-12T07:51:50Z')]),
    );
    await post(
      payload('resolved', [amAlert('st-4', 'resolved', { severity: 'error', instance: 'web-01:9100' }, '2026-05-12T07:00:00Z', '2026-05-12T07:10:00Z')]),
    );
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should count the ingested alerts by mapped severity, by source (the instance label) and by status', async () => {
    const severity = await http<Groups>(api, 'GET', '/v1/alerts/stats/severity?alertname=DiskFull', { headers });
    expect(severity.body.data.groups.map((g) => `${g.key}:${g.count}`)).toEqual(['critical:1', 'high:1', 'medium:1', 'low:0', 'info:1']);
    const source = await http<Groups>(api, 'GET', '/v1/alerts/stats/source', { headers });
    expect(source.body.data).toEqual({
      dimension: 'source',
      total: 4,
      groups: [
        { key: 'db-01:9100', count: 2 },
        { key: 'web-01:9100', count: 2 },
      ],
    });
    const status = await http<Groups>(api, 'GET', '/v1/alerts/stats/status', { headers });
    expect(status.body.data.groups.filter((g) => g.count > 0)).toEqual([
      { key: 'open', count: 2 },
      { key: 'resolved', count: 2 },
    ]);
  });

  it('should measure time to resolve from startsAt to endsAt, for an alert seen firing and for one that arrived already resolved', async () => {
    const result = await http<ResponseTimes>(api, 'GET', '/v1/alerts/stats/response-times', { headers });
    const of = (severity: string) => result.body.data.find((r) => r.severity === severity);
    expect(of('critical')?.time_to_resolve).toEqual({ count: 1, mean_seconds: 300, p50_seconds: 300, p90_seconds: 300 });
    expect(of('high')?.time_to_resolve).toEqual({ count: 1, mean_seconds: 600, p50_seconds: 600, p90_seconds: 600 });
    expect(of('medium')?.time_to_resolve).toEqual({ count: 0, mean_seconds: null, p50_seconds: null, p90_seconds: null });
    // Overall: the percentiles of 300 s and 600 s together (interpolated), not a mean of the severities' figures.
    expect(of('all')?.time_to_resolve).toEqual({ count: 2, mean_seconds: 450, p50_seconds: 450, p90_seconds: 570 });
    expect(result.body.data.every((r) => r.time_to_acknowledge.count === 0)).toBe(true);

    const alerts = await http<{ items: { fingerprint: string; time_to_resolve_seconds: number | null; resolved_at: string | null; created_at: string }[] }>(
      api,
      'GET',
      '/v1/alerts?alertname=DiskFull&sort_by=id&sort_direction=asc',
      { headers },
    );
    const byFingerprint = Object.fromEntries(alerts.body.items.map((a) => [a.fingerprint, a]));
    expect([
      byFingerprint['st-1'].time_to_resolve_seconds,
      byFingerprint['st-4'].time_to_resolve_seconds,
      byFingerprint['st-2'].time_to_resolve_seconds,
    ]).toEqual([300, 600, null]);
    // st-4 was stored long after it ended: measured from created_at it would have been negative.
    expect(Date.parse(byFingerprint['st-4'].resolved_at as string)).toBeLessThan(Date.parse(byFingerprint['st-4'].created_at));
  });
});
