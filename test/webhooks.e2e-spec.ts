import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { waitForExport } from './utils/exports';
import { World } from './utils/world';

type Webhook = {
  id: string;
  url: string;
  event_types: string[];
  filter: Record<string, string[]>;
  enabled: boolean;
  secret?: string;
  version: number;
  previous_secret_expires_at: string | null;
};
type Problem = { type: string; status: number; errors?: { field: string }[] };

describe('webhook subscriptions and the outbox', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Hooks'), world.tenant('Elsewhere')]);
    writer = world.bearer(tenant, [
      'webhooks:read',
      'webhooks:write',
      'alerts:read',
      'alerts:write',
      'cases:read',
      'cases:write',
      'exports:read',
      'exports:write',
      'audit:read',
    ]);
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function create(body: Record<string, unknown>, headers = writer): Promise<Webhook> {
    const created = await http<{ data: Webhook }>(api, 'POST', '/v1/webhooks', { body, headers });
    expect(created.status).toBe(201);
    return created.body.data;
  }

  async function outbox(type: string, id: string): Promise<Record<string, unknown>[]> {
    const rows = await world.prisma.outboxEvent.findMany({ where: { tenantId: tenant.id, type }, orderBy: { id: 'asc' } });
    return rows.map((row) => row.data as Record<string, unknown>).filter((data) => data.id === id);
  }

  it('should answer the secret once on creation and never in reads', async () => {
    const created = await create({
      url: 'https://hooks.example.com/a',
      event_types: ['alert.created', 'alert.created', 'export.failed'],
      filter: { severity: ['high', 'critical'] },
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.event_types).toEqual(['alert.created', 'export.failed']);
    expect(created.filter).toEqual({ severity: ['high', 'critical'] });
    const read = await http<{ data: Webhook }>(api, 'GET', `/v1/webhooks/${created.id}`, { headers: writer });
    expect(read.status).toBe(200);
    expect(read.body.data).not.toHaveProperty('secret');
    expect(read.text).not.toContain(created.secret);
    const audit = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, resourceId: created.id } });
    expect(audit.map((event) => event.action)).toEqual(['webhook.create']);
    expect(JSON.stringify(audit.map((event) => event.details))).not.toContain(created.secret);
  });

  it('should rotate the secret, answering the new one once and keeping the old one for the grace period', async () => {
    const created = await create({ url: 'https://hooks.example.com/rotate', event_types: ['alert.created'] });
    const rotated = await http<{ data: Webhook }>(api, 'POST', `/v1/webhooks/${created.id}/secret/rotate`, { headers: writer });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).toMatch(/^whsec_/);
    expect(rotated.body.data.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.body.data.previous_secret_expires_at as string)).toBeGreaterThan(Date.now());
    const stored = await world.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.previousSecret).toBe(created.secret);
  });

  it('should refuse http, credentials and private addresses in the URL and change nothing', async () => {
    const before = await world.prisma.webhookSubscription.count({ where: { tenantId: tenant.id } });
    for (const url of [
      'http://hooks.example.com/x',
      'https://user:pw@hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://10.1.2.3/x',
      'https://localhost/x',
      'not a url',
    ]) {
      const refused = await http<Problem>(api, 'POST', '/v1/webhooks', { body: { url, event_types: ['alert.created'] }, headers: writer });
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.map((error) => error.field)).toEqual(['url']);
    }
    const unknownType = await http<Problem>(api, 'POST', '/v1/webhooks', {
      body: { url: 'https://hooks.example.com/x', event_types: ['alert.deleted'] },
      headers: writer,
    });
    expect(unknownType.status).toBe(400);
    expect(await world.prisma.webhookSubscription.count({ where: { tenantId: tenant.id } })).toBe(before);
  });

  it('should need webhooks scopes, and the read scope of every event type subscribed to', async () => {
    const reader = world.bearer(tenant, ['webhooks:read', 'alerts:read']);
    expect(
      (await http(api, 'POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/x', event_types: ['alert.created'] }, headers: reader })).status,
    ).toBe(403);
    const noAudit = world.bearer(tenant, ['webhooks:write', 'alerts:read']);
    const refused = await http<Problem & { i18n_args: { scope: string } }>(api, 'POST', '/v1/webhooks', {
      body: { url: 'https://hooks.example.com/x', event_types: ['alert.created', 'audit.chain_failed'] },
      headers: noAudit,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.i18n_args.scope).toBe('audit:read');
    expect((await http(api, 'GET', '/v1/webhooks', { headers: world.bearer(tenant, ['alerts:read']) })).status).toBe(403);
  });

  it('should not show, change or delete another tenant’s subscription', async () => {
    const created = await create({ url: 'https://hooks.example.com/mine', event_types: ['alert.created'] });
    const stranger = world.bearer(other, ['webhooks:read', 'webhooks:write', 'alerts:read']);
    expect((await http(api, 'GET', `/v1/webhooks/${created.id}`, { headers: stranger })).status).toBe(404);
    expect((await http(api, 'PATCH', `/v1/webhooks/${created.id}`, { body: { enabled: false }, headers: stranger })).status).toBe(404);
    expect((await http(api, 'DELETE', `/v1/webhooks/${created.id}`, { headers: stranger })).status).toBe(404);
    expect((await http(api, 'GET', `/v1/webhooks/${created.id}/deliveries`, { headers: stranger })).status).toBe(404);
    const list = await http<{ items: Webhook[] }>(api, 'GET', '/v1/webhooks', { headers: stranger });
    expect(list.body.items.map((webhook) => webhook.id)).not.toContain(created.id);
  });

  it('should change, disable, page through and delete subscriptions', async () => {
    const created = await create({ url: 'https://hooks.example.com/change', event_types: ['alert.created'] });
    const changed = await http<{ data: Webhook }>(api, 'PATCH', `/v1/webhooks/${created.id}`, {
      body: { event_types: ['threat_case.created'], filter: { control: ['PCI:10.2.1.1'] }, enabled: false },
      headers: writer,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ event_types: ['threat_case.created'], filter: { control: ['PCI:10.2.1.1'] }, enabled: false, version: 2 });
    const disabled = await http<{ items: Webhook[] }>(api, 'GET', '/v1/webhooks?enabled=false', { headers: writer });
    expect(disabled.body.items.map((webhook) => webhook.id)).toContain(created.id);
    const seen: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 20; pages++) {
      const page: { body: { items: Webhook[]; pagination: { next_cursor: string | null } } } = await http(
        api,
        'GET',
        `/v1/webhooks?pagination=cursor&page_size=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: writer },
      );
      seen.push(...page.body.items.map((webhook) => webhook.id));
      cursor = page.body.pagination.next_cursor;
      if (!cursor) break;
    }
    const all = await world.prisma.webhookSubscription.findMany({ where: { tenantId: tenant.id } });
    expect(new Set(seen)).toEqual(new Set(all.map((webhook) => webhook.id)));
    expect(seen).toHaveLength(all.length);
    expect((await http(api, 'DELETE', `/v1/webhooks/${created.id}`, { headers: writer })).status).toBe(204);
    expect((await http(api, 'GET', `/v1/webhooks/${created.id}`, { headers: writer })).status).toBe(404);
  });

  it('should write outbox events in the transactions of alert and threat case changes', async () => {
    const alert = await http<{ data: { id: string; version: number } }>(api, 'POST', '/v1/alerts', {
      body: { type: 'intrusion', source: 'ids-suricata', title: 'Outbox', severity: 'high' },
      headers: writer,
    });
    expect(alert.status).toBe(201);
    const id = alert.body.data.id;
    expect(await outbox('alert.created', id)).toEqual([
      expect.objectContaining({ id, status: 'open', severity: 'high', source: 'ids-suricata', tenant_id: tenant.id }),
    ]);
    expect((await http(api, 'POST', `/v1/alerts/${id}/acknowledge`, { body: {}, headers: writer })).status).toBe(200);
    expect(await outbox('alert.status_changed', id)).toEqual([expect.objectContaining({ status: 'acknowledged', previous_status: 'open' })]);
    expect((await http(api, 'POST', `/v1/alerts/${id}/escalate`, { body: {}, headers: writer })).status).toBe(200);
    expect(await outbox('alert.escalated', id)).toEqual([expect.objectContaining({ status: 'escalated', previous_status: 'acknowledged' })]);
    expect((await http(api, 'PUT', `/v1/alerts/${id}/assignee`, { body: { assignee: 'analyst-7' }, headers: writer })).status).toBe(200);
    expect(await outbox('alert.updated', id)).toHaveLength(1);

    const tc = await http<{ data: { id: string } }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [id], title: 'Outbox case' }, headers: writer });
    expect(tc.status).toBe(201);
    const caseId = tc.body.data.id;
    expect(await outbox('threat_case.created', caseId)).toEqual([expect.objectContaining({ status: 'INITIATED' })]);
    const moved = await http(api, 'POST', `/v1/threat-cases/${caseId}/transitions`, { body: { status: 'REQUESTED' }, headers: writer });
    expect(moved.status).toBe(200);
    expect(await outbox('threat_case.transitioned', caseId)).toEqual([expect.objectContaining({ status: 'REQUESTED', previous_status: 'INITIATED' })]);
  });

  it('should write outbox events in the transaction of an Alertmanager payload and of a bulk action', async () => {
    const alert = {
      labels: { alertname: 'DiskFull', severity: 'critical', instance: 'db-01' },
      annotations: { summary: 'db-01 disk full' },
      startsAt: '2026-05-12T07:46:50Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'a1b2c3d4e5f60718',
    };
    const payload = (status: 'firing' | 'resolved') => ({
      version: '4',
      groupKey: '{}:{alertname="DiskFull"}',
      truncatedAlerts: 0,
      status,
      receiver: 'ops',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [{ ...alert, status, endsAt: status === 'resolved' ? '2026-05-12T08:00:00Z' : '0001-01-01T00:00:00Z' }],
    });
    const ingest = world.bearer(tenant, ['alerts:ingest']);
    expect((await http(api, 'POST', '/v1/ingest/alertmanager', { body: payload('firing'), headers: ingest })).status).toBe(200);
    const stored = await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: alert.fingerprint } });
    expect(await outbox('alert.created', stored.id)).toEqual([expect.objectContaining({ status: 'open', severity: 'critical', version: 1 })]);
    expect((await http(api, 'POST', '/v1/ingest/alertmanager', { body: payload('resolved'), headers: ingest })).status).toBe(200);
    expect(await outbox('alert.status_changed', stored.id)).toEqual([expect.objectContaining({ status: 'resolved', previous_status: 'open', version: 2 })]);

    const bulk = await http(api, 'POST', '/v1/alerts/bulk/reopen', { body: { ids: [stored.id] }, headers: writer });
    expect(bulk.status).toBe(200);
    expect(await outbox('alert.status_changed', stored.id)).toEqual([
      expect.objectContaining({ status: 'resolved' }),
      expect.objectContaining({ status: 'open', previous_status: 'resolved' }),
    ]);
  });

  it('should write no outbox event for a change that was refused', async () => {
    const before = await world.prisma.outboxEvent.count({ where: { tenantId: tenant.id } });
    expect(
      (await http(api, 'POST', '/v1/alerts', { body: { type: 'intrusion', source: 's', title: 'x', severity: 'apocalyptic' }, headers: writer })).status,
    ).toBe(400);
    expect((await http(api, 'POST', '/v1/alerts/alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4/acknowledge', { body: {}, headers: writer })).status).toBe(404);
    expect(await world.prisma.outboxEvent.count({ where: { tenantId: tenant.id } })).toBe(before);
  });

  it('should write export.completed in the transaction that completes an export', async () => {
    const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
      body: { resource: 'alerts', format: 'ndjson', scope: 'all' },
      headers: writer,
    });
    expect(started.status).toBe(202);
    const done = await waitForExport(api, started.body.data.job_id, writer);
    expect(done.status).toBe('completed');
    expect(await outbox('export.completed', started.body.data.job_id)).toEqual([
      expect.objectContaining({ status: 'completed', format: 'ndjson', sha256: done.sha256 }),
    ]);
  });
});
