import { Tenant } from '@app/database';

import { http, HttpResult, startApi, TestApi, withApiEnv } from './utils/api';
import { downloadExport, parseCsv, startExport, waitForExport } from './utils/exports';
import { World } from './utils/world';

interface AlertItem {
  id: string;
  suppressed: boolean;
  maintenance_window_id: string | null;
  title: string;
  status: string;
  version: number;
  created_at: string;
  duplicate_count: number;
  last_received_at: string;
  shelved: boolean;
  shelved_until: string | null;
  shelved_by: string | null;
}

interface TimelineItem {
  action: string;
  actor: string;
  note: string | null;
  details: Record<string, unknown> | null;
}

interface Problem {
  type: string;
  status: number;
  errors?: { field: string; code: string }[];
  current_status?: string;
}

process.env.EXPORTS_IN_PROCESS = 'true';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Alerta's duplicates and shelving: a repeat of an active alert (same fingerprint, or same alertable and
 * type without one) is counted on it (duplicate_count, last_received_at) instead of stored again; a shelved
 * alert leaves the default list until its time passes or a repeat arrives, every step in its timeline.
 */
describe('repeated and shelved alerts', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let writer: Record<string, string>;
  let counter = 0;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Repeats');
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'exports:read', 'exports:write', 'maintenance:read', 'maintenance:write'], 'repeat-analyst');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;
  const body = (fields: Record<string, unknown>) => ({ type: 'brute_force', source: 'auth-gateway', title: 'Repeated logins', severity: 'high', ...fields });
  const post = (fields: Record<string, unknown>) => http<{ data: AlertItem }>(api, 'POST', '/v1/alerts', { headers: writer, body: body(fields) });
  const get = async (id: string) => (await http<{ data: AlertItem }>(api, 'GET', `/v1/alerts/${id}`, { headers: writer })).body.data;
  const timeline = async (id: string) => (await http<{ data: TimelineItem[] }>(api, 'GET', `/v1/alerts/${id}/timeline`, { headers: writer })).body.data;
  const listIds = async (query: string) => {
    const answer = await http<{ items: AlertItem[] }>(api, 'GET', `/v1/alerts?page_size=200&${query}`, { headers: writer });
    expect(answer.status).toBe(200);
    return answer.body.items.map((item) => item.id);
  };
  /** The outbox events (webhook and live-stream data) of one alert, of one type. */
  const events = async (type: string, id: string) =>
    (await world.prisma.outboxEvent.findMany({ where: { tenantId: tenant.id, type }, orderBy: { id: 'asc' } }))
      .map((event) => event.data as Record<string, unknown>)
      .filter((data) => data.id === id);
  const audit = (resourceId: string, action: string) => world.prisma.auditEvent.count({ where: { resourceId, action } });
  const act = (id: string, action: string, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    http<{ data: AlertItem } & Problem>(api, 'POST', `/v1/alerts/${id}/${action}`, { headers: { ...writer, ...headers }, body: payload });

  describe('duplicates', () => {
    it('should count a repeat of the same fingerprint on the active alert, answering 200 with Alert-Duplicate', async () => {
      const fingerprint = unique('fp');
      const first = await post({ fingerprint });
      expect(first.status).toBe(201);
      expect(first.body.data).toEqual(expect.objectContaining({ duplicate_count: 0, last_received_at: first.body.data.created_at, version: 1 }));
      expect(first.headers.get('alert-duplicate')).toBeNull();

      const again = await post({ fingerprint, title: 'Repeated logins, seen again' });
      expect(again.status).toBe(200);
      expect(again.headers.get('alert-duplicate')).toBe('true');
      expect(again.headers.get('location')).toBe(`/v1/alerts/${first.body.data.id}`);
      expect(again.headers.get('etag')).toBe('"2"');
      expect(again.body.data).toEqual(expect.objectContaining({ id: first.body.data.id, duplicate_count: 1, version: 2, title: 'Repeated logins' }));
      expect(Date.parse(again.body.data.last_received_at)).toBeGreaterThanOrEqual(Date.parse(first.body.data.created_at));

      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint } })).toBe(1);
      expect((await timeline(first.body.data.id)).map((entry) => entry.action)).toEqual(['created', 'duplicate_received']);
      expect((await timeline(first.body.data.id))[1]).toEqual(
        expect.objectContaining({ actor: 'repeat-analyst', details: expect.objectContaining({ received: 1, duplicate_count: 1 }) }),
      );
      expect(await audit(first.body.data.id, 'alert.duplicate')).toBe(1);
      expect(await events('alert.updated', first.body.data.id)).toEqual([expect.objectContaining({ duplicate_count: 1, version: 2, suppressed: false })]);
    });

    it('should take a repeat without a fingerprint by its alertable and type, and keep other types and anonymous alerts apart', async () => {
      const alertableId = unique('door');
      const first = await post({ alertable_type: 'external', alertable_id: alertableId });
      const repeat = await post({ alertable_type: 'external', alertable_id: alertableId });
      expect(repeat.status).toBe(200);
      expect(repeat.body.data).toEqual(expect.objectContaining({ id: first.body.data.id, duplicate_count: 1 }));

      const otherType = await post({ alertable_type: 'external', alertable_id: alertableId, type: 'tailgating' });
      expect(otherType.status).toBe(201);
      const otherAlertable = await post({ alertable_type: 'manual', alertable_id: alertableId });
      expect(otherAlertable.status).toBe(201);
      const title = unique('anonymous');
      expect((await post({ title })).status).toBe(201);
      expect((await post({ title })).status).toBe(201);
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, title } })).toBe(2);
    });

    it('should raise a new alert when the earlier one with the fingerprint is closed', async () => {
      const fingerprint = unique('fp-closed');
      const first = await post({ fingerprint });
      expect((await act(first.body.data.id, 'resolve', { note: 'fixed' })).status).toBe(200);
      const after = await post({ fingerprint });
      expect(after.status).toBe(201);
      expect(after.body.data.id).not.toBe(first.body.data.id);
      expect((await get(first.body.data.id)).duplicate_count).toBe(0);
    });

    it('should keep one alert when the same new alert arrives many times at once', async () => {
      const fingerprint = unique('fp-race');
      const answers = await Promise.all(Array.from({ length: 8 }, () => post({ fingerprint })));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      const ids = new Set(answers.map((answer) => answer.body.data.id));
      expect(ids.size).toBe(1);
      expect((await get([...ids][0])).duplicate_count).toBe(7);
    });

    it('should sort a batch into new alerts and repeats, within the batch and of active alerts', async () => {
      const [known, fresh] = [unique('fp-known'), unique('fp-fresh')];
      const existing = await post({ fingerprint: known });
      const answer = await http<{
        data: {
          created: AlertItem[];
          created_indexes: number[];
          duplicates: { index: number; alert_id: string; duplicate_count: number }[];
          errors: unknown[];
        };
        message: string;
      }>(api, 'POST', '/v1/alerts/batch', {
        headers: writer,
        body: {
          alerts: [body({ fingerprint: fresh }), body({ fingerprint: known }), body({ fingerprint: fresh }), { title: 'broken' }, body({ fingerprint: fresh })],
        },
      });
      expect(answer.status).toBe(200);
      const { created, created_indexes, duplicates, errors } = answer.body.data;
      expect(created_indexes).toEqual([0]);
      expect(created[0]).toEqual(expect.objectContaining({ duplicate_count: 2, version: 2 }));
      expect(duplicates).toEqual([
        { index: 1, alert_id: existing.body.data.id, duplicate_count: 1 },
        { index: 2, alert_id: created[0].id, duplicate_count: 2 },
        { index: 4, alert_id: created[0].id, duplicate_count: 2 },
      ]);
      expect(errors).toHaveLength(1);
      expect(answer.body.message).toBe('1 created, 3 repeated, 1 rejected');
      expect((await timeline(created[0].id)).map((entry) => entry.action)).toEqual(['created', 'duplicate_received']);
      expect(await audit(existing.body.data.id, 'alert.duplicate')).toBe(1);
    });

    it('should filter and sort by duplicate_count and last_received_at, and export both', async () => {
      const fingerprint = unique('fp-often');
      const often = await post({ fingerprint, title: unique('often') });
      for (let i = 0; i < 3; i++) await post({ fingerprint });
      const once = await post({ fingerprint: unique('fp-once') });

      const repeated = await listIds('min_duplicate_count=3');
      expect(repeated).toContain(often.body.data.id);
      expect(repeated).not.toContain(once.body.data.id);
      const sorted = await http<{ items: AlertItem[] }>(api, 'GET', '/v1/alerts?sort_by=duplicate_count&sort_direction=desc&page_size=200', {
        headers: writer,
      });
      const counts = sorted.body.items.map((item) => item.duplicate_count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(counts[0]).toBeGreaterThanOrEqual(7);

      const latest = await get(often.body.data.id);
      expect(await listIds(`last_received_from=${encodeURIComponent(latest.last_received_at)}&sort_by=last_received_at&sort_direction=asc`)).toContain(
        often.body.data.id,
      );
      expect(await listIds(`last_received_to=${encodeURIComponent(latest.last_received_at)}`)).not.toContain(often.body.data.id);

      const job = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { min_duplicate_count: 3 } }, writer);
      expect((await waitForExport(api, job, writer)).status).toBe('completed');
      const rows = parseCsv((await downloadExport(api, job, writer)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
      const header = rows[0];
      const row = rows.find((cells) => cells[header.indexOf('id')] === often.body.data.id) as string[];
      expect(row[header.indexOf('duplicate_count')]).toBe('3');
      expect(row[header.indexOf('last_received_at')]).toBe(latest.last_received_at.replace(/\.\d{3}Z$/, (ms) => (ms === '.000Z' ? 'Z' : ms)));
      expect(header).toContain('shelved_until');
    });

    it('should refuse bad duplicate and shelf filters with a validation problem', async () => {
      for (const query of ['min_duplicate_count=-1', 'min_duplicate_count=two', 'shelved=maybe', 'last_received_from=yesterday', 'sort_by=duplicates']) {
        const answer = await http<Problem>(api, 'GET', `/v1/alerts?${query}`, { headers: writer });
        expect({ query, status: answer.status, type: answer.body.type }).toEqual({ query, status: 400, type: '/problems/validation-error' });
      }
    });
  });

  describe('with maintenance windows', () => {
    const openWindow = async (source: string) => {
      const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/maintenance-windows', {
        headers: writer,
        body: {
          name: `Upgrade of ${source}`,
          source,
          starts_at: new Date(Date.now() - 60_000).toISOString(),
          ends_at: new Date(Date.now() + 3_600_000).toISOString(),
        },
      });
      expect(created.status).toBe(201);
      return created.body.data.id;
    };

    it('should count a repeat during maintenance on a shelved alert without waking it', async () => {
      const [fingerprint, source] = [unique('fp-maint-shelf'), unique('maint-src')];
      const alert = (await post({ fingerprint, source })).body.data;
      await act(alert.id, 'shelve', { duration_seconds: 3600 });
      await openWindow(source);
      const repeat = await post({ fingerprint, source });
      expect(repeat.status).toBe(200);
      expect(repeat.body.data).toEqual(expect.objectContaining({ id: alert.id, duplicate_count: 1, shelved: true }));
      expect((await timeline(alert.id)).map((e) => e.action)).toEqual(['created', 'shelved', 'duplicate_received']);
    });

    it('should raise a new visible alert when the condition outlasts the window that suppressed the first', async () => {
      const [fingerprint, source] = [unique('fp-maint-over'), unique('maint-src')];
      const windowId = await openWindow(source);
      const during = await post({ fingerprint, source });
      expect(during.body.data).toEqual(expect.objectContaining({ suppressed: true, maintenance_window_id: windowId }));
      expect(await events('alert.created', during.body.data.id)).toEqual([expect.objectContaining({ suppressed: true, maintenance_window_id: windowId })]);
      const version = (await http<{ data: { version: number } }>(api, 'GET', `/v1/maintenance-windows/${windowId}`, { headers: writer })).body.data.version;
      expect((await http(api, 'DELETE', `/v1/maintenance-windows/${windowId}`, { headers: { ...writer, 'if-match': `"${version}"` } })).status).toBe(204);
      const after = await post({ fingerprint, source });
      expect(after.status).toBe(201);
      expect(after.body.data).toEqual(expect.objectContaining({ suppressed: false, duplicate_count: 0 }));
      expect(after.body.data.id).not.toBe(during.body.data.id);
      expect(await listIds(`q=&source=${source}`)).toEqual([after.body.data.id]);
    });
  });

  describe('shelving', () => {
    it('should shelve an active alert out of the default list, finding it by status or shelved, with timeline and audit', async () => {
      const alert = (await post({ fingerprint: unique('fp-shelf') })).body.data;
      const shelved = await act(alert.id, 'shelve', { duration_seconds: 3600, note: 'Known noise during the migration' }, { 'if-match': '"1"' });
      expect(shelved.status).toBe(200);
      expect(shelved.body.data).toEqual(expect.objectContaining({ shelved: true, shelved_by: 'repeat-analyst', status: 'open', version: 2 }));
      const until = Date.parse(shelved.body.data.shelved_until as string);
      expect(until - Date.now()).toBeGreaterThan(3500_000);
      expect(until - Date.now()).toBeLessThanOrEqual(3600_000);

      expect(await listIds('')).not.toContain(alert.id);
      expect(await listIds('status=open')).toContain(alert.id);
      const shelvedOnly = await http<{ items: AlertItem[] }>(api, 'GET', '/v1/alerts?shelved=true&page_size=200', { headers: writer });
      expect(shelvedOnly.body.items.map((item) => item.id)).toContain(alert.id);
      expect(shelvedOnly.body.items.every((item) => item.shelved)).toBe(true);
      expect(await listIds('shelved=any')).toContain(alert.id);
      expect(await listIds('shelved=false&status=open')).not.toContain(alert.id);

      const [, entry] = await timeline(alert.id);
      expect(entry).toEqual(
        expect.objectContaining({
          action: 'shelved',
          note: 'Known noise during the migration',
          details: { until: shelved.body.data.shelved_until, previous_until: null },
        }),
      );
      expect(await audit(alert.id, 'alert.shelve')).toBe(1);
    });

    it('should bring a shelved alert back when a repeat arrives', async () => {
      const fingerprint = unique('fp-wake');
      const alert = (await post({ fingerprint })).body.data;
      expect((await act(alert.id, 'shelve', { duration_seconds: 3600 })).status).toBe(200);
      const repeat = await post({ fingerprint });
      expect(repeat.status).toBe(200);
      expect(repeat.body.data).toEqual(expect.objectContaining({ id: alert.id, shelved: false, shelved_until: null, shelved_by: null, duplicate_count: 1 }));
      expect(await listIds('')).toContain(alert.id);
      const entries = await timeline(alert.id);
      expect(entries.map((e) => e.action)).toEqual(['created', 'shelved', 'duplicate_received', 'unshelved']);
      expect(entries[3].details).toEqual(expect.objectContaining({ reason: 'repeat' }));
      expect(await audit(alert.id, 'alert.unshelve')).toBe(1);
    });

    it('should unshelve by hand once (409 when not shelved), and end the shelf when the alert is resolved', async () => {
      const alert = (await post({ fingerprint: unique('fp-hand') })).body.data;
      expect((await act(alert.id, 'unshelve')).body).toEqual(expect.objectContaining({ status: 409, type: '/problems/alert-not-shelved' }));
      await act(alert.id, 'shelve', { until: new Date(Date.now() + 86_400_000).toISOString() });
      const back = await act(alert.id, 'unshelve', { note: 'needed after all' });
      expect(back.status).toBe(200);
      expect(back.body.data).toEqual(expect.objectContaining({ shelved: false, version: 3 }));
      expect((await act(alert.id, 'unshelve')).status).toBe(409);

      await act(alert.id, 'shelve', { duration_seconds: 600 });
      const resolved = await act(alert.id, 'resolve', { note: 'done' });
      expect(resolved.body.data).toEqual(expect.objectContaining({ status: 'resolved', shelved: false, shelved_until: null }));
      expect(await listIds('')).toContain(alert.id);
      const refused = await act(alert.id, 'shelve', { duration_seconds: 600 });
      expect(refused.body).toEqual(expect.objectContaining({ status: 409, type: '/problems/alert-not-shelvable', current_status: 'resolved' }));
    });

    it('should refuse a bad shelf with a problem and change nothing', async () => {
      const alert = (await post({ fingerprint: unique('fp-bad') })).body.data;
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'until'],
        [{ until: new Date(Date.now() + 3_600_000).toISOString(), duration_seconds: 3600 }, 'until'],
        [{ until: new Date(Date.now() - 60_000).toISOString() }, 'until'],
        [{ until: new Date(Date.now() + 91 * 86_400_000).toISOString() }, 'until'],
        [{ until: 'tomorrow' }, 'until'],
        [{ duration_seconds: 10 }, 'duration_seconds'],
        [{ duration_seconds: 'an hour' }, 'duration_seconds'],
        [{ duration_seconds: 3600, snooze: true }, 'snooze'],
      ];
      for (const [payload, field] of cases) {
        const answer = await act(alert.id, 'shelve', payload);
        expect({ payload, status: answer.status, fields: (answer.body.errors ?? []).map((e) => e.field) }).toEqual({
          payload,
          status: 400,
          fields: expect.arrayContaining([field]),
        });
      }
      expect((await act(alert.id, 'shelve', { duration_seconds: 600 }, { 'if-match': '"7"' })).status).toBe(412);
      expect(await get(alert.id)).toEqual(expect.objectContaining({ version: 1, shelved: false }));
      expect(await audit(alert.id, 'alert.shelve')).toBe(0);
    });

    it('should bring an alert back when its shelf runs out: at once for reads, and in the timeline by the sweep', async () => {
      const alert = (await post({ fingerprint: unique('fp-expire') })).body.data;
      const shelved = await act(alert.id, 'shelve', { until: new Date(Date.now() + 1_500).toISOString() });
      expect(shelved.body.data.shelved).toBe(true);
      expect(await listIds('')).not.toContain(alert.id);
      await sleep(1_700);
      expect(await listIds('')).toContain(alert.id);
      expect(await get(alert.id)).toEqual(expect.objectContaining({ shelved: false, shelved_until: null }));

      await withApiEnv({ ALERT_UNSHELVE_INTERVAL_SECONDS: '1' }, async () => {
        let entries: TimelineItem[] = [];
        for (let waited = 0; waited < 20_000 && !entries.some((e) => e.action === 'unshelved'); waited += 250) {
          await sleep(250);
          entries = await timeline(alert.id);
        }
        expect(entries.map((e) => e.action)).toEqual(['created', 'shelved', 'unshelved']);
        expect(entries[2]).toEqual(expect.objectContaining({ actor: 'system:shelf-expiry', details: expect.objectContaining({ reason: 'expired' }) }));
      });
      const row = await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } });
      expect(row).toEqual(expect.objectContaining({ shelvedUntil: null, shelvedBy: null, version: 3 }));
      expect(await audit(alert.id, 'alert.unshelve')).toBe(1);
      const answer: HttpResult<{ data: AlertItem }> = await http(api, 'GET', `/v1/alerts/${alert.id}`, { headers: writer });
      expect(answer.headers.get('etag')).toBe('"3"');
    });
  });
});
