import { Tenant } from '@app/database';

import { http, HttpResult, startApi, TestApi, withApiEnv } from './utils/api';
import { downloadExport, parseCsv, startExport, waitForExport } from './utils/exports';
import { World } from './utils/world';

interface AlertItem {
  id: string;
  title: string;
  instance: string | null;
}

process.env.EXPORTS_IN_PROCESS = 'true';

/**
 * Seed 000's federation `instance`: the federated instance an alert came from (null when local), set by
 * the create API and by Alertmanager ingestion from INGEST_INSTANCE_LABEL, filterable, sortable, in exports.
 */
describe('the federated instance of an alert', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let writer: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Federation');
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'exports:read', 'exports:write'], 'federation-analyst');
    for (const [title, instance] of [
      ['Local one', undefined],
      ['Jakarta one', 'raisa-jakarta-1'],
      ['Bandung one', 'raisa-bandung-1'],
      ['Jakarta two', 'raisa-jakarta-1'],
    ] as const) {
      const created = await http(api, 'POST', '/v1/alerts', {
        headers: writer,
        body: { type: 'face', source: 'lenz', title, severity: 'high', ...(instance ? { instance } : {}) },
      });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const list = async (query: string) => {
    const answer = await http<{ items: AlertItem[] }>(api, 'GET', `/v1/alerts?${query}`, { headers: writer });
    expect(answer.status).toBe(200);
    return answer.body.items.map(({ title, instance }) => ({ title, instance }));
  };

  it('should answer the instance (null when local) and filter by one or more instances', async () => {
    expect(await list('sort_by=created_at&sort_direction=asc')).toEqual([
      { title: 'Local one', instance: null },
      { title: 'Jakarta one', instance: 'raisa-jakarta-1' },
      { title: 'Bandung one', instance: 'raisa-bandung-1' },
      { title: 'Jakarta two', instance: 'raisa-jakarta-1' },
    ]);
    expect((await list('instance=raisa-jakarta-1&sort_direction=asc')).map((a) => a.title)).toEqual(['Jakarta one', 'Jakarta two']);
    expect((await list('instance=raisa-jakarta-1,raisa-bandung-1&sort_direction=asc')).map((a) => a.title)).toEqual([
      'Jakarta one',
      'Bandung one',
      'Jakarta two',
    ]);
    expect(await list('instance=raisa-surabaya-1')).toEqual([]);
  });

  it('should sort by instance, local alerts first, in both directions and across cursor pages', async () => {
    expect((await list('sort_by=instance&sort_direction=asc')).map((a) => a.instance)).toEqual([null, 'raisa-bandung-1', 'raisa-jakarta-1', 'raisa-jakarta-1']);
    expect((await list('sort_by=instance&sort_direction=desc')).map((a) => a.instance)).toEqual([
      'raisa-jakarta-1',
      'raisa-jakarta-1',
      'raisa-bandung-1',
      null,
    ]);
    const walked: (string | null)[] = [];
    for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 10; pages++) {
      const answer: HttpResult<{ items: AlertItem[]; pagination: { next_cursor: string | null } }> = await http(
        api,
        'GET',
        `/v1/alerts?sort_by=instance&sort_direction=asc&pagination=cursor&page_size=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: writer },
      );
      walked.push(...answer.body.items.map((a) => a.instance));
      cursor = answer.body.pagination.next_cursor;
    }
    expect(walked).toEqual([null, 'raisa-bandung-1', 'raisa-jakarta-1', 'raisa-jakarta-1']);
  });

  it('should refuse an empty or overlong instance, and store nothing', async () => {
    const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
    for (const instance of ['', 'x'.repeat(201), 42]) {
      const refused = await http<{ type: string; errors: { field: string }[] }>(api, 'POST', '/v1/alerts', {
        headers: writer,
        body: { type: 'face', source: 'lenz', title: 'Bad', severity: 'low', instance },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e) => e.field)).toContain('instance');
    }
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
    expect((await http(api, 'GET', `/v1/alerts?instance=${'y'.repeat(201)}`, { headers: writer })).status).toBe(400);
  });

  it('should export the instance column, and export by the instance filter', async () => {
    const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { instance: ['raisa-jakarta-1'] } }, writer);
    expect((await waitForExport(api, id, writer)).status).toBe('completed');
    const [header, ...rows] = parseCsv((await downloadExport(api, id, writer)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
    const at = header.indexOf('instance');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(rows.map((row) => [row[header.indexOf('title')], row[at]])).toEqual([
      ['Jakarta one', 'raisa-jakarta-1'],
      ['Jakarta two', 'raisa-jakarta-1'],
    ]);
  });

  it('should take an Alertmanager alert’s instance from INGEST_INSTANCE_LABEL, and leave it local without the label', async () => {
    const ingest = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
    const amAlert = (fingerprint: string, labels: Record<string, string>) => ({
      status: 'firing',
      labels: { alertname: 'GatewayDown', severity: 'critical', ...labels },
      annotations: { summary: `Gateway ${fingerprint}` },
      startsAt: '2026-12-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint,
    });
    await withApiEnv({ INGEST_INSTANCE_LABEL: 'federation_instance' }, async (federated) => {
      const answer = await http(federated, 'POST', '/v1/ingest/alertmanager', {
        headers: ingest,
        body: {
          version: '4',
          groupKey: '{}:{alertname="GatewayDown"}',
          truncatedAlerts: 0,
          status: 'firing',
          receiver: 'federation',
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://alertmanager:9093',
          alerts: [amAlert('f0000000000000a1', { federation_instance: 'raisa-medan-1' }), amAlert('f0000000000000a2', {})],
        },
      });
      expect(answer.status).toBe(200);
    });
    const stored = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, alertname: 'GatewayDown' }, orderBy: { fingerprint: 'asc' } });
    expect(stored.map((alert) => [alert.fingerprint, alert.instance])).toEqual([
      ['f0000000000000a1', 'raisa-medan-1'],
      ['f0000000000000a2', ''],
    ]);
    expect((await list('instance=raisa-medan-1')).map((a) => a.title)).toEqual(['Gateway f0000000000000a1']);
  });
});
