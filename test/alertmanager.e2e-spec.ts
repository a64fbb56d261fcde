import { Tenant } from '@app/database';

import { eventually, startAlertmanager, sumOfSamples, TestAlertmanager } from './utils/alertmanager';
import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

const INGEST = 'route="/v1/ingest/alertmanager"';

/** Alertmanager's configuration: every group to the api with a valid key, the `wrong-key` route with an unknown one; short intervals. */
function config(webhook: string, key: string): string {
  const receiver = (name: string, credentials: string) => `
  - name: ${name}
    webhook_configs:
      - url: ${webhook}
        send_resolved: true
        http_config:
          authorization: { type: Bearer, credentials: ${credentials} }`;
  return `
route:
  receiver: ledger
  group_by: ['alertname']
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 2s
  routes:
    - receiver: wrong-key
      matchers: ['route="wrong-key"']
receivers:${receiver('ledger', key)}${receiver('wrong-key', `ak_${'0'.repeat(43)}`)}
`;
}

describe('a real Alertmanager delivering webhooks', () => {
  let api: TestApi;
  let alertmanager: TestAlertmanager;
  const world = new World();
  let tenant: Tenant;
  const startsAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Alertmanager');
    const key = await world.apiKeys.create({ tenantId: tenant.id, name: 'alertmanager', scopes: ['alerts:ingest'], createdBy: 'e2e' });
    alertmanager = await startAlertmanager(config(`${api.baseUrl}/v1/ingest/alertmanager`, key.secret));
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await api.close();
    await world.close();
  });

  const apiMetric = async (sample: string) => sumOfSamples((await http(api, 'GET', '/metrics')).text, sample);
  const alertsNamed = (alertname: string) => world.prisma.alert.findMany({ where: { tenantId: tenant.id, alertname }, orderBy: { title: 'asc' } });
  const amAlert = (
    alertname: string,
    instance: string,
    extra: { labels?: Record<string, string>; annotations?: Record<string, string>; endsAt?: string } = {},
  ) => ({
    labels: { alertname, instance, severity: 'critical', ...extra.labels },
    annotations: { summary: `${alertname} on ${instance}`, ...extra.annotations },
    startsAt,
    ...(extra.endsAt ? { endsAt: extra.endsAt } : {}),
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up+%3D%3D+0',
  });

  it('should store a firing alert once however often Alertmanager repeats it, and resolve it when it resolves', async () => {
    await alertmanager.post([amAlert('AmInstanceDown', 'web-01')]);
    await eventually('the firing alert stored', async () => (await alertsNamed('AmInstanceDown')).length === 1);
    const delivered = await apiMetric(`http_requests_total{method="POST",${INGEST},status="200"}`);
    // repeat_interval is 2 s: wait for at least two more notifications of the same group.
    await eventually('two repeats delivered', async () => (await apiMetric(`http_requests_total{method="POST",${INGEST},status="200"}`)) >= delivered + 2);
    const [alert] = await alertsNamed('AmInstanceDown');
    expect(await alertsNamed('AmInstanceDown')).toHaveLength(1);
    expect(alert).toEqual(
      expect.objectContaining({ status: 'open', severity: 'critical', receiver: 'ledger', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    );
    expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: alert.id } })).toBe(1);

    await alertmanager.post([amAlert('AmInstanceDown', 'web-01', { endsAt: new Date().toISOString() })]);
    await eventually('the alert resolved', async () => (await alertsNamed('AmInstanceDown'))[0].status === 'resolved');
    const [resolved] = await alertsNamed('AmInstanceDown');
    expect([resolved.id, resolved.resolvedBy, await world.prisma.alert.count({ where: { tenantId: tenant.id, alertname: 'AmInstanceDown' } })]).toEqual([
      alert.id,
      'alertmanager',
      1,
    ]);
  });

  it('should store the valid alerts of a group holding an oversized, a NUL-bearing and an invalid alert, mark the cut one, count the refused one, and never be asked again', async () => {
    const refusedBefore = await apiMetric('alert_ledger_alerts_refused_total{reason="invalid_alert"}');
    const tooManyLabels = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`extra_${i}`, 'x']));
    await alertmanager.post([
      amAlert('AmOversized', 'web-01'),
      amAlert('AmOversized', 'web-02', { annotations: { description: 'd'.repeat(13_600) } }),
      amAlert('AmOversized', 'web-03', { labels: { pod: 'api\u0000-7' } }),
      amAlert('AmOversized', 'web-04', { labels: tooManyLabels }),
    ]);
    await eventually('the group stored', async () => (await alertsNamed('AmOversized')).length === 3);
    const [one, two, three] = await alertsNamed('AmOversized');
    expect([one.title, one.truncatedFields]).toEqual(['AmOversized on web-01', []]);
    expect([two.title, two.message?.length, two.truncatedFields]).toEqual(['AmOversized on web-02', 10_000, ['annotations.description']]);
    expect([three.title, (three.labels as Record<string, string>).pod]).toEqual(['AmOversized on web-03', 'api\uFFFD-7']);
    const detail = await http<{ data: { truncated_fields: string[] } }>(api, 'GET', `/v1/alerts/${two.id}`, { headers: world.bearer(tenant, ['alerts:read']) });
    expect(detail.body.data.truncated_fields).toEqual(['annotations.description']);
    await eventually('the invalid alert counted', async () => (await apiMetric('alert_ledger_alerts_refused_total{reason="invalid_alert"}')) > refusedBefore);
    // Every notification of the group was answered 200: Alertmanager has nothing to retry.
    for (const status of ['400', '413', '500']) expect(await apiMetric(`http_requests_total{method="POST",${INGEST},status="${status}"}`)).toBe(0);
  });

  it('should answer a notification sent with a wrong key 401, store nothing of it, and count its alerts as refused', async () => {
    await alertmanager.post([amAlert('AmWrongKey', 'web-09', { labels: { route: 'wrong-key' } })]);
    await eventually('the 401 answered', async () => (await apiMetric(`http_requests_total{method="POST",${INGEST},status="401"}`)) > 0);
    await eventually('the refusal counted', async () => (await apiMetric('alert_ledger_alerts_refused_total{reason="unauthenticated"}')) >= 1);
    expect(await alertmanager.metric('alertmanager_notifications_failed_total{integration="webhook"}')).toBeGreaterThan(0);
    expect(await world.prisma.alert.count({ where: { alertname: 'AmWrongKey' } })).toBe(0);
  });
});
