import { publicId } from '@app/common';
import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, parseCsv, startExport, waitForExport } from './utils/exports';
import { World } from './utils/world';

process.env.EXPORTS_IN_PROCESS = 'true';

type Problem = { type: string; status: number; errors?: { field: string; code: string }[] };
interface WindowItem {
  id: string;
  name: string;
  description: string | null;
  starts_at: string;
  ends_at: string;
  source: string | null;
  labels: Record<string, string>;
  system_key: string | null;
  active: boolean;
  created_by: string;
  version: number;
}
interface AlertItem {
  id: string;
  title: string;
  suppressed: boolean;
  maintenance_window_id: string | null;
}
type List<T> = { items: T[]; total: number | null };

const HOUR = 3_600_000;
const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/**
 * Maintenance windows (Alerta's blackouts, issue 18 item 8): CRUD under maintenance:read/write with
 * If-Match and audit events; alerts created during an active window matching its selector (source,
 * labels, system key), through POST, batch and the Alertmanager webhook, are stored suppressed with the
 * window's id and kept out of the default list, counts, statistics and exports.
 */
describe('maintenance windows', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Maintenance');
    other = await world.tenant('Elsewhere');
    writer = world.bearer(tenant, ['maintenance:read', 'maintenance:write'], 'ops-lead');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const create = (body: Record<string, unknown>, headers = writer) =>
    http<{ data: WindowItem } & Problem>(api, 'POST', '/v1/maintenance-windows', { body, headers });

  describe('the windows themselves', () => {
    it('should refuse a window past 200 open ones of the tenant with 409, creating nothing, and take ended ones and freed places', async () => {
      const crowded = await world.tenant('Crowded');
      const headers = world.bearer(crowded, ['maintenance:read', 'maintenance:write'], 'ops-lead');
      const now = Date.now();
      await world.prisma.maintenanceWindow.createMany({
        data: Array.from({ length: 200 }, (_, i) => ({
          id: publicId('mnt', now + i),
          tenantId: crowded.id,
          name: `Window ${i}`,
          startsAt: new Date(now + HOUR),
          endsAt: new Date(now + 2 * HOUR),
          createdAt: new Date(now),
          createdBy: 'seed',
          updatedAt: new Date(now),
        })),
      });
      const refused = await create({ name: 'One more', starts_at: at(HOUR), ends_at: at(3 * HOUR) }, headers);
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/maintenance-window-limit', limit: 200, open: 200 }));
      expect(await world.prisma.maintenanceWindow.count({ where: { tenantId: crowded.id } })).toBe(200);
      expect(await world.prisma.auditEvent.count({ where: { tenantId: crowded.id, action: 'maintenance_window.create' } })).toBe(0);

      // A window that has already ended takes no place (it records maintenance done, and matches no new alert).
      expect((await create({ name: 'Last night', starts_at: at(-3 * HOUR), ends_at: at(-HOUR) }, headers)).status).toBe(201);
      const freed = await world.prisma.maintenanceWindow.findFirstOrThrow({ where: { tenantId: crowded.id, name: 'Window 0' } });
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${freed.id}`, { headers: { ...headers, 'if-match': '"1"' } })).status).toBe(204);
      expect((await create({ name: 'One more', starts_at: at(HOUR), ends_at: at(3 * HOUR) }, headers)).status).toBe(201);
    });

    it('should create, read, list, change (If-Match) and delete a window, each change an audit event', async () => {
      const created = await create({
        name: 'Database upgrade',
        description: 'PostgreSQL 17',
        starts_at: at(2 * HOUR),
        ends_at: at(4 * HOUR),
        source: 'prometheus',
        labels: { env: 'prod' },
      });
      expect(created.status).toBe(201);
      const window = created.body.data;
      expect(window).toEqual(
        expect.objectContaining({
          name: 'Database upgrade',
          description: 'PostgreSQL 17',
          source: 'prometheus',
          labels: { env: 'prod' },
          system_key: null,
          active: false,
          created_by: 'ops-lead',
          version: 1,
        }),
      );
      expect(window.id).toMatch(/^mnt_[0-9A-Z]{26}$/);
      expect(created.headers.get('location')).toBe(`/v1/maintenance-windows/${window.id}`);
      expect(created.headers.get('etag')).toBe('"1"');

      const read = await http<{ data: WindowItem }>(api, 'GET', `/v1/maintenance-windows/${window.id}`, { headers: writer });
      expect([read.status, read.body.data.id, read.headers.get('etag')]).toEqual([200, window.id, '"1"']);

      const listed = await http<List<WindowItem>>(api, 'GET', '/v1/maintenance-windows', { headers: writer });
      expect(listed.body.items.map((w) => w.id)).toContain(window.id);
      const activeThen = await http<List<WindowItem>>(api, 'GET', `/v1/maintenance-windows?active_at=${encodeURIComponent(at(3 * HOUR))}`, { headers: writer });
      expect(activeThen.body.items.map((w) => w.id)).toContain(window.id);
      for (const instant of [at(0), at(4 * HOUR + 60_000)]) {
        const inactive = await http<List<WindowItem>>(api, 'GET', `/v1/maintenance-windows?active_at=${encodeURIComponent(instant)}`, { headers: writer });
        expect(inactive.status).toBe(200);
        expect(inactive.body.items.map((w) => w.id)).not.toContain(window.id);
      }

      const changed = await http<{ data: WindowItem }>(api, 'PATCH', `/v1/maintenance-windows/${window.id}`, {
        body: { name: 'Database upgrade (extended)', source: null, system_key: 'db-primary' },
        headers: { ...writer, 'if-match': '"1"' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.data).toEqual(
        expect.objectContaining({ name: 'Database upgrade (extended)', source: null, system_key: 'db-primary', labels: { env: 'prod' }, version: 2 }),
      );
      expect(changed.headers.get('etag')).toBe('"2"');

      const stale = await http<Problem>(api, 'PATCH', `/v1/maintenance-windows/${window.id}`, {
        body: { name: 'Lost' },
        headers: { ...writer, 'if-match': '"1"' },
      });
      expect(stale.status).toBe(412);
      expect((await world.prisma.maintenanceWindow.findUniqueOrThrow({ where: { id: window.id } })).name).toBe('Database upgrade (extended)');
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${window.id}`, { headers: { ...writer, 'if-match': '"1"' } })).status).toBe(412);

      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${window.id}`, { headers: { ...writer, 'if-match': '"2"' } })).status).toBe(204);
      expect((await http(api, 'GET', `/v1/maintenance-windows/${window.id}`, { headers: writer })).status).toBe(404);

      const audit = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, resourceId: window.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((event) => [event.action, event.resourceType, event.actor])).toEqual([
        ['maintenance_window.create', 'maintenance_window', 'ops-lead'],
        ['maintenance_window.update', 'maintenance_window', 'ops-lead'],
        ['maintenance_window.delete', 'maintenance_window', 'ops-lead'],
      ]);
      expect(audit[1].details).toEqual(
        expect.objectContaining({
          from: expect.objectContaining({ source: 'prometheus', system_key: null }),
          to: expect.objectContaining({ source: null, system_key: 'db-primary' }),
        }),
      );
    });

    it('should need maintenance:read to read and maintenance:write to change', async () => {
      const reader = world.bearer(tenant, ['maintenance:read']);
      const alertsOnly = world.bearer(tenant, ['alerts:read', 'alerts:write']);
      const window = (await create({ name: 'Scoped', starts_at: at(HOUR), ends_at: at(2 * HOUR), source: 'nobody' })).body.data;
      expect((await http(api, 'GET', '/v1/maintenance-windows', { headers: alertsOnly })).status).toBe(403);
      expect((await http(api, 'GET', `/v1/maintenance-windows/${window.id}`, { headers: alertsOnly })).status).toBe(403);
      expect((await http(api, 'GET', `/v1/maintenance-windows/${window.id}`, { headers: reader })).status).toBe(200);
      expect((await create({ name: 'Refused', starts_at: at(HOUR), ends_at: at(2 * HOUR) }, reader)).status).toBe(403);
      expect((await http(api, 'PATCH', `/v1/maintenance-windows/${window.id}`, { body: { name: 'x' }, headers: reader })).status).toBe(403);
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${window.id}`, { headers: reader })).status).toBe(403);
      expect((await world.prisma.maintenanceWindow.findUniqueOrThrow({ where: { id: window.id } })).version).toBe(1);
    });

    it('should refuse a window ending before it starts, bad labels and unknown fields with a problem, and store nothing', async () => {
      const before = await world.prisma.maintenanceWindow.count({ where: { tenantId: tenant.id } });
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'Backwards', starts_at: at(2 * HOUR), ends_at: at(HOUR) }, 'ends_at'],
        [{ name: 'Empty', starts_at: at(HOUR), ends_at: at(HOUR) }, 'ends_at'],
        [{ name: 'Labels', starts_at: at(HOUR), ends_at: at(2 * HOUR), labels: { env: 5 } }, 'labels.env'],
        [{ name: 'Labels', starts_at: at(HOUR), ends_at: at(2 * HOUR), labels: ['env:prod'] }, 'labels'],
        [{ name: 'Unknown', starts_at: at(HOUR), ends_at: at(2 * HOUR), colour: 'red' }, 'colour'],
        [{ name: '', starts_at: at(HOUR), ends_at: at(2 * HOUR) }, 'name'],
        [{ name: 'No start', ends_at: at(2 * HOUR) }, 'starts_at'],
        [{ name: 'Bad date', starts_at: 'tomorrow', ends_at: at(2 * HOUR) }, 'starts_at'],
      ];
      for (const [body, field] of cases) {
        const refused = await create(body);
        expect({ body, status: refused.status, type: refused.body.type }).toEqual({ body, status: 400, type: expect.stringContaining('validation-error') });
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body.errors?.map((error) => error.field)).toContain(field);
      }
      expect(await world.prisma.maintenanceWindow.count({ where: { tenantId: tenant.id } })).toBe(before);

      const window = (await create({ name: 'Kept', starts_at: at(HOUR), ends_at: at(2 * HOUR) })).body.data;
      const backwards = await http<Problem>(api, 'PATCH', `/v1/maintenance-windows/${window.id}`, { body: { ends_at: at(30 * 60_000) }, headers: writer });
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors?.map((error) => error.field)).toEqual(['ends_at']);
      expect((await http(api, 'GET', '/v1/maintenance-windows?active_at=soon', { headers: writer })).status).toBe(400);
      expect((await http(api, 'GET', '/v1/maintenance-windows/whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', { headers: writer })).status).toBe(400);
      const stored = await world.prisma.maintenanceWindow.findUniqueOrThrow({ where: { id: window.id } });
      expect([stored.version, stored.endsAt.toISOString()]).toEqual([1, window.ends_at]);
    });

    it('should not show, change or delete another tenant’s window (404)', async () => {
      const window = (await create({ name: 'Ours', starts_at: at(HOUR), ends_at: at(2 * HOUR), source: 'nobody' })).body.data;
      const stranger = world.bearer(other, ['maintenance:read', 'maintenance:write']);
      expect((await http(api, 'GET', `/v1/maintenance-windows/${window.id}`, { headers: stranger })).status).toBe(404);
      expect((await http(api, 'PATCH', `/v1/maintenance-windows/${window.id}`, { body: { name: 'Theirs' }, headers: stranger })).status).toBe(404);
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${window.id}`, { headers: stranger })).status).toBe(404);
      const theirs = await http<List<WindowItem>>(api, 'GET', '/v1/maintenance-windows', { headers: stranger });
      expect(theirs.body.items.map((w) => w.id)).not.toContain(window.id);
      expect((await world.prisma.maintenanceWindow.findUniqueOrThrow({ where: { id: window.id } })).name).toBe('Ours');
    });
  });

  describe('alerts created during a window', () => {
    let site: Tenant;
    let headers: Record<string, string>;
    let byProdPrometheus: string;
    let byDb: string;
    const suppressedBy = new Map<string, string | null>();

    const post = async (title: string, fields: Record<string, unknown>): Promise<AlertItem> => {
      const created = await http<{ data: AlertItem }>(api, 'POST', '/v1/alerts', { headers, body: { type: 'outage', severity: 'high', title, ...fields } });
      expect(created.status).toBe(201);
      suppressedBy.set(created.body.data.id, created.body.data.maintenance_window_id);
      return created.body.data;
    };
    const list = (query: string) => http<List<AlertItem>>(api, 'GET', `/v1/alerts?include_total=true&page_size=100&${query}`, { headers });

    beforeAll(async () => {
      site = await world.tenant('Site');
      headers = world.bearer(site, ['maintenance:read', 'maintenance:write', 'alerts:read', 'alerts:write', 'exports:read', 'exports:write'], 'site-ops');
      const make = async (body: Record<string, unknown>) => (await create(body, headers)).body.data.id;
      byProdPrometheus = await make({ name: 'Prod Prometheus', starts_at: at(-HOUR), ends_at: at(HOUR), source: 'prometheus', labels: { env: 'prod' } });
      byDb = await make({ name: 'DB', starts_at: at(-30 * 60_000), ends_at: at(HOUR), system_key: 'db-1' });
      // Neither the future nor the past window, each of which would match everything, suppresses anything.
      await make({ name: 'Later', starts_at: at(HOUR), ends_at: at(2 * HOUR) });
      await make({ name: 'Earlier', starts_at: at(-2 * HOUR), ends_at: at(-HOUR) });
      // Another tenant's window that would match everything does not touch this tenant's alerts.
      await create({ name: 'Theirs', starts_at: at(-HOUR), ends_at: at(HOUR) }, world.bearer(other, ['maintenance:write']));
    });

    it('should mark a matching alert of POST /v1/alerts with the window (the earliest started of several) and leave the others', async () => {
      const matched = await post('Matched', { source: 'prometheus', labels: { env: 'prod', team: 'db' } });
      expect([matched.suppressed, matched.maintenance_window_id]).toEqual([true, byProdPrometheus]);
      const both = await post('Both match', { source: 'prometheus', labels: { env: 'prod' }, system_key: 'db-1' });
      expect(both.maintenance_window_id).toBe(byProdPrometheus);
      expect((await post('By system key', { source: 'zabbix', system_key: 'db-1' })).maintenance_window_id).toBe(byDb);
      for (const [title, fields] of [
        ['Other label', { source: 'prometheus', labels: { env: 'staging' } }],
        ['Other source', { source: 'zabbix', labels: { env: 'prod' } }],
        ['No labels', { source: 'prometheus' }],
        ['Other system', { source: 'zabbix', system_key: 'db-2' }],
      ] as const) {
        const alert = await post(title, fields);
        expect({ title, suppressed: alert.suppressed, id: alert.maintenance_window_id }).toEqual({ title, suppressed: false, id: null });
      }

      const timeline = await http<{ data: { action: string; details: Record<string, unknown> }[] }>(api, 'GET', `/v1/alerts/${matched.id}/timeline`, {
        headers,
      });
      expect(timeline.body.data[0]).toEqual(expect.objectContaining({ action: 'created', details: { maintenance_window_id: byProdPrometheus } }));
      const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: site.id, resourceId: matched.id, action: 'alert.create' } });
      expect(audit.details).toEqual(expect.objectContaining({ maintenance_window_id: byProdPrometheus }));
      const detail = await http<{ data: AlertItem }>(api, 'GET', `/v1/alerts/${matched.id}`, { headers });
      expect([detail.body.data.suppressed, detail.body.data.maintenance_window_id]).toEqual([true, byProdPrometheus]);
    });

    it('should mark the matching items of a batch', async () => {
      const batch = await http<{ data: { created: AlertItem[] } }>(api, 'POST', '/v1/alerts/batch', {
        headers,
        body: {
          alerts: [
            { type: 'outage', severity: 'low', title: 'Batch matched', source: 'prometheus', labels: { env: 'prod' } },
            { type: 'outage', severity: 'low', title: 'Batch other', source: 'nagios', labels: { env: 'prod' } },
          ],
        },
      });
      expect(batch.status).toBe(200);
      const created = batch.body.data.created;
      expect(created.map((a) => [a.title, a.suppressed, a.maintenance_window_id])).toEqual([
        ['Batch matched', true, byProdPrometheus],
        ['Batch other', false, null],
      ]);
      for (const alert of created) suppressedBy.set(alert.id, alert.maintenance_window_id);
      const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: site.id, resourceId: created[0].id, action: 'alert.create' } });
      expect(audit.details).toEqual(expect.objectContaining({ batch: true, maintenance_window_id: byProdPrometheus }));
    });

    it('should mark the matching alerts of an Alertmanager notification', async () => {
      const ingest = (await world.apiKey(site, ['alerts:ingest'])).headers;
      const amAlert = (fingerprint: string, env: string) => ({
        status: 'firing',
        labels: { alertname: 'DiskFull', severity: 'warning', instance: 'prometheus', env },
        annotations: { summary: `Disk ${fingerprint}` },
        startsAt: '2026-12-01T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint,
      });
      const answer = await http(api, 'POST', '/v1/ingest/alertmanager', {
        headers: ingest,
        body: {
          version: '4',
          groupKey: '{}:{alertname="DiskFull"}',
          truncatedAlerts: 0,
          status: 'firing',
          receiver: 'maintenance',
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://alertmanager:9093',
          alerts: [amAlert('d0000000000000a1', 'prod'), amAlert('d0000000000000a2', 'dev')],
        },
      });
      expect(answer.status).toBe(200);
      const stored = await world.prisma.alert.findMany({ where: { tenantId: site.id, alertname: 'DiskFull' }, orderBy: { fingerprint: 'asc' } });
      expect(stored.map((alert) => [alert.fingerprint, alert.maintenanceWindowId])).toEqual([
        ['d0000000000000a1', byProdPrometheus],
        ['d0000000000000a2', null],
      ]);
      for (const alert of stored) suppressedBy.set(alert.id, alert.maintenanceWindowId);
      const timeline = await world.prisma.alertTimelineEntry.findFirstOrThrow({ where: { alertId: stored[0].id, action: 'created' } });
      expect(timeline.details).toEqual(expect.objectContaining({ maintenance_window_id: byProdPrometheus }));
      const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: site.id, resourceId: stored[0].id, action: 'alert.create' } });
      expect(audit.details).toEqual(expect.objectContaining({ maintenance_window_id: byProdPrometheus }));
    });

    it('should leave suppressed alerts out of the default list and count, and show them with suppressed=true or any', async () => {
      const suppressed = [...suppressedBy].filter(([, window]) => window !== null).map(([id]) => id);
      const shown = [...suppressedBy].filter(([, window]) => window === null).map(([id]) => id);
      expect([suppressed.length, shown.length]).toEqual([5, 6]);
      const ids = (answer: { body: List<AlertItem> }) => answer.body.items.map((a) => a.id).sort();

      const byDefault = await list('');
      expect([ids(byDefault), byDefault.body.total]).toEqual([[...shown].sort(), shown.length]);
      expect(ids(await list('suppressed=false'))).toEqual([...shown].sort());
      const onlySuppressed = await list('suppressed=true');
      expect([ids(onlySuppressed), onlySuppressed.body.total]).toEqual([[...suppressed].sort(), suppressed.length]);
      expect(onlySuppressed.body.items.every((a) => a.suppressed && a.maintenance_window_id !== null)).toBe(true);
      const everything = await list('suppressed=any');
      expect([ids(everything), everything.body.total]).toEqual([[...suppressed, ...shown].sort(), suppressedBy.size]);
      expect(ids(await list(`suppressed=true&label=env:prod&source=prometheus`)).length).toBe(4);

      const refused = await http<Problem>(api, 'GET', '/v1/alerts?suppressed=yes', { headers });
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.map((error) => error.field)).toEqual(['suppressed']);
    });

    it('should leave suppressed alerts out of the statistics and the open_at count unless asked', async () => {
      const stats = (query: string) => http<{ data: { total: number } }>(api, 'GET', `/v1/alerts/stats/severity?${query}`, { headers });
      const suppressed = [...suppressedBy.values()].filter((window) => window !== null).length;
      expect((await stats('')).body.data.total).toBe(suppressedBy.size - suppressed);
      expect((await stats('suppressed=any')).body.data.total).toBe(suppressedBy.size);
      expect((await stats('suppressed=true')).body.data.total).toBe(suppressed);

      const now = encodeURIComponent(new Date(Date.now() + 1000).toISOString());
      expect((await list(`open_at=${now}`)).body.total).toBe(suppressedBy.size - suppressed);
      expect((await list(`open_at=${now}&suppressed=any`)).body.total).toBe(suppressedBy.size);
    });

    it('should export the suppressed and maintenance_window_id columns: every alert for scope all, the list default for a filter', async () => {
      const exported = async (body: Record<string, unknown>) => {
        const id = await startExport(api, { resource: 'alerts', format: 'csv', ...body }, headers);
        expect((await waitForExport(api, id, headers)).status).toBe('completed');
        const [header, ...rows] = parseCsv((await downloadExport(api, id, headers)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
        return rows
          .filter((row) => row.length > 1)
          .map((row) => [row[header.indexOf('id')], row[header.indexOf('suppressed')], row[header.indexOf('maintenance_window_id')]]);
      };
      const expected = [...suppressedBy].map(([id, window]) => [id, window === null ? 'false' : 'true', window ?? '']).sort();
      expect((await exported({ scope: 'filtered', filters: { suppressed: 'any' } })).sort()).toEqual(expected);
      expect((await exported({ scope: 'all' })).sort()).toEqual(expected);
      const byDefault = await exported({ scope: 'filtered', filters: { severity: ['info', 'low', 'medium', 'high', 'critical'] } });
      expect(byDefault.map(([, flag]) => flag)).toEqual(Array(byDefault.length).fill('false'));
      expect(byDefault.length).toBe([...suppressedBy.values()].filter((window) => window === null).length);
    });

    it('should keep the window’s id on its alerts after the window is deleted', async () => {
      const version = (await http<{ data: WindowItem }>(api, 'GET', `/v1/maintenance-windows/${byDb}`, { headers })).body.data.version;
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${byDb}`, { headers: { ...headers, 'if-match': `"${version}"` } })).status).toBe(204);
      const still = await list('suppressed=true&system_key=db-1');
      expect(still.body.items.map((a) => a.maintenance_window_id).sort()).toEqual([byDb, byProdPrometheus].sort());
    });
  });
});
