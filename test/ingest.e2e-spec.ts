import { Client } from 'pg';

import { AppConfig } from '@app/config';
import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

interface Result {
  data: { created: number; updated: number; resolved: number; unchanged: number };
}
interface AlertItem {
  id: string;
  status: string;
  severity: string;
  title: string;
  resolved_by: string | null;
  ends_at: string | null;
  labels: Record<string, string>;
  alertname: string;
  system_key: string;
  receiver: string;
  generator_url: string | null;
}

function webhook(status: 'firing' | 'resolved', alerts: object[], extra: object = {}): object {
  return {
    version: '4',
    groupKey: '{}:{alertname="InstanceDown"}',
    truncatedAlerts: 0,
    status,
    receiver: 'severity-critical-receiver',
    groupLabels: { alertname: 'InstanceDown' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
    ...extra,
  };
}

function amAlert(fingerprint: string, status: 'firing' | 'resolved', extra: { labels?: object; annotations?: object; endsAt?: string } = {}): object {
  return {
    status,
    labels: { alertname: 'InstanceDown', severity: 'critical', instance: 'web-01:9100', system_key: 'NETH-D417', ...extra.labels },
    annotations: { summary: 'web-01 is down', description: 'No scrape for 5 minutes', ...extra.annotations },
    startsAt: '2026-05-12T07:46:50Z',
    endsAt: extra.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint,
  };
}

describe('Alertmanager ingestion', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let ingest: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Ingest');
    ingest = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
    reader = world.bearer(tenant, ['alerts:read', 'audit:read']);
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const list = async (query: string) => (await http<{ items: AlertItem[] }>(api, 'GET', `/v1/alerts?${query}`, { headers: reader })).body.items;

  it('should create a firing alert, ignore its replay, and resolve it when resolved arrives', async () => {
    const firing = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [amAlert('11a9302b0fa6526e', 'firing')]),
      headers: ingest,
    });
    expect(firing.status).toBe(200);
    expect(firing.body.data).toEqual(expect.objectContaining({ created: 1, updated: 0, resolved: 0 }));
    const [alert] = await list('alertname=InstanceDown&system_key=NETH-D417');
    expect(alert).toEqual(
      expect.objectContaining({
        status: 'open',
        severity: 'critical',
        title: 'web-01 is down',
        receiver: 'severity-critical-receiver',
        ends_at: null,
        generator_url: 'http://prometheus:9090/graph',
      }),
    );
    expect(alert.labels.severity).toBe('critical');

    const stored = () => world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id }, select: { version: true, updatedAt: true } });
    const beforeReplay = await stored();
    const replay = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [amAlert('11a9302b0fa6526e', 'firing')]),
      headers: ingest,
    });
    expect(replay.body.data).toEqual(expect.objectContaining({ created: 0, updated: 0, unchanged: 1 }));
    expect(await stored()).toEqual(beforeReplay);
    expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: alert.id } })).toBe(1);

    const resolved = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('resolved', [amAlert('11a9302b0fa6526e', 'resolved', { endsAt: '2026-05-12T07:51:50Z' })]),
      headers: ingest,
    });
    expect(resolved.body.data).toEqual(expect.objectContaining({ created: 0, resolved: 1 }));
    const detail = await http<{ data: AlertItem }>(api, 'GET', `/v1/alerts/${alert.id}`, { headers: reader });
    expect(detail.body.data).toEqual(expect.objectContaining({ status: 'resolved', resolved_by: 'alertmanager', ends_at: '2026-05-12T07:51:50.000Z' }));
    const timeline = await http<{ data: { action: string; actor: string; details: Record<string, unknown> }[] }>(
      api,
      'GET',
      `/v1/alerts/${alert.id}/timeline`,
      { headers: reader },
    );
    expect(timeline.body.data.map((e) => `${e.actor}:${e.action}`)).toEqual(['alertmanager:created', 'alertmanager:resolved']);
    expect(timeline.body.data.map((e) => e.details.group_key)).toEqual(['{}:{alertname="InstanceDown"}', '{}:{alertname="InstanceDown"}']);

    const again = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('resolved', [amAlert('11a9302b0fa6526e', 'resolved', { endsAt: '2026-05-12T07:51:50Z' })]),
      headers: ingest,
    });
    expect(again.body.data).toEqual(expect.objectContaining({ resolved: 0, unchanged: 1 }));
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint: '11a9302b0fa6526e' } })).toBe(1);
  });

  describe('credentials as Alertmanager sends them', () => {
    const ingestWith = (authorization: string, fingerprint: string) =>
      http<Result & { code: number; type: string }>(api, 'POST', '/v1/ingest/alertmanager', {
        body: webhook('firing', [amAlert(fingerprint, 'firing')]),
        headers: { authorization },
      });

    it('should ingest under a bearer JWT and under an API key sent as a bearer token (http_config.authorization), into the credential’s tenant', async () => {
      const jwt = await ingestWith(`Bearer ${world.token(tenant, ['alerts:ingest'], 'alertmanager-jwt')}`, 'cred-jwt');
      expect(jwt.status).toBe(200);
      expect(jwt.body.data.created).toBe(1);
      const key = await world.apiKeys.create({ tenantId: tenant.id, name: 'alertmanager', scopes: ['alerts:ingest'], createdBy: 'e2e' });
      const asBearer = await ingestWith(`Bearer ${key.secret}`, 'cred-key');
      expect(asBearer.status).toBe(200);
      expect(asBearer.body.data.created).toBe(1);
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint: { in: ['cred-jwt', 'cred-key'] } } })).toBe(2);
      // The key's own scopes apply: a key without alerts:ingest is refused with 403, not taken for a JWT.
      const reading = await world.apiKeys.create({ tenantId: tenant.id, name: 'reader', scopes: ['alerts:read'], createdBy: 'e2e' });
      const forbidden = await ingestWith(`Bearer ${reading.secret}`, 'cred-reader');
      expect([forbidden.status, forbidden.body.type]).toEqual([403, '/problems/missing-scope']);
    });

    it('should answer an unknown, malformed or revoked Bearer ak_… with the API key’s own 401, and a bad JWT with the JWT’s', async () => {
      const key = await world.apiKeys.create({ tenantId: tenant.id, name: 'to revoke', scopes: ['alerts:ingest'], createdBy: 'e2e' });
      await world.apiKeys.revoke(key.apiKey.id);
      const cases: [string, number, string][] = [
        [`Bearer ak_${'x'.repeat(43)}`, 10010013, '/problems/invalid-api-key'],
        ['Bearer ak_short', 10010013, '/problems/invalid-api-key'],
        [`Bearer ${key.secret}`, 10010014, '/problems/revoked-api-key'],
        [`Bearer ${world.token(tenant, ['alerts:ingest'])}x`, 10010006, '/problems/invalid-signature'],
      ];
      for (const [authorization, code, type] of cases) {
        const result = await ingestWith(authorization, 'cred-refused');
        expect([result.status, result.body.code, result.body.type]).toEqual([401, code, type]);
        expect(result.headers.get('www-authenticate')).toContain('Bearer');
      }
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint: 'cred-refused' } })).toBe(0);
    });
  });

  describe('resolutions racing people', () => {
    const post = (body: object) => http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest });
    const detail = async (id: string) =>
      (await http<{ data: AlertItem & { resolved_at: string | null; version: number } }>(api, 'GET', `/v1/alerts/${id}`, { headers: reader })).body.data;

    it('should keep a person’s reopening when the same resolved notification comes again, and resolve anew for another endsAt', async () => {
      const writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst-7');
      await post(webhook('firing', [amAlert('race-reopen', 'firing')]));
      const resolved = webhook('resolved', [amAlert('race-reopen', 'resolved', { endsAt: '2026-05-12T07:51:50Z' })]);
      expect((await post(resolved)).body.data).toEqual(expect.objectContaining({ resolved: 1 }));
      const [alert] = await list('alertname=InstanceDown&q=race-reopen');
      expect((await http(api, 'POST', `/v1/alerts/${alert.id}/reopen`, { body: { note: 'still broken for users' }, headers: writer })).status).toBe(200);

      const replay = await post(resolved);
      expect(replay.body.data).toEqual(expect.objectContaining({ resolved: 0, updated: 0, unchanged: 1 }));
      expect(await detail(alert.id)).toEqual(expect.objectContaining({ status: 'open', resolved_at: null, resolved_by: null }));

      const again = await post(webhook('resolved', [amAlert('race-reopen', 'resolved', { endsAt: '2026-05-12T09:00:00Z' })]));
      expect(again.body.data).toEqual(expect.objectContaining({ resolved: 1 }));
      expect(await detail(alert.id)).toEqual(
        expect.objectContaining({ status: 'resolved', resolved_by: 'alertmanager', resolved_at: '2026-05-12T09:00:00.000Z' }),
      );
      const timeline = await http<{ data: { action: string; actor: string; details: { ends_at?: string } }[] }>(api, 'GET', `/v1/alerts/${alert.id}/timeline`, {
        headers: reader,
      });
      expect(timeline.body.data.map((e) => [e.actor, e.action, e.details.ends_at])).toEqual([
        ['alertmanager', 'created', undefined],
        ['alertmanager', 'resolved', '2026-05-12T07:51:50.000Z'],
        ['analyst-7', 'reopened', undefined],
        ['alertmanager', 'resolved', '2026-05-12T09:00:00.000Z'],
      ]);
    });

    it('should not overwrite a dismissal that commits while the resolution waits for the row', async () => {
      await post(webhook('firing', [amAlert('race-dismiss', 'firing')]));
      const stored = await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: 'race-dismiss' } });
      // A person's dismissal, held open so that ingestion reads the alert as open and then waits to update it.
      const person = new Client({ connectionString: process.env.DATABASE_URL });
      await person.connect();
      try {
        await person.query('BEGIN');
        await person.query(
          `UPDATE alerts SET status = 'dismissed', dismissed_at = now(), dismissed_by = 'analyst-8', updated_at = now(), version = version + 1 WHERE id = $1`,
          [stored.id],
        );
        const {
          rows: [{ pid }],
        } = await person.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const ingestion = post(webhook('resolved', [amAlert('race-dismiss', 'resolved', { endsAt: '2026-05-12T07:51:50Z' })]));
        const waiting = async (): Promise<void> => {
          const { rows } = await person.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
          if (rows[0].n === 0) return new Promise((resolve) => setTimeout(resolve, 20)).then(waiting);
        };
        await waiting();
        await person.query('COMMIT');
        const result = await ingestion;
        expect(result.status).toBe(200);
        expect(result.body.data).toEqual(expect.objectContaining({ resolved: 0, unchanged: 1 }));
      } finally {
        await person.end();
      }
      expect(await detail(stored.id)).toEqual(expect.objectContaining({ status: 'dismissed', resolved_at: null, resolved_by: null, version: 2 }));
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: stored.id, action: 'resolved' } })).toBe(0);
    });
  });

  it('should take the message from annotations.description and the title from alertname when there is no summary', async () => {
    const body = webhook('firing', [
      amAlert('no-summary', 'firing', { labels: { alertname: 'DiskAlmostFull' }, annotations: { summary: undefined, description: '/var is 97% full' } }),
    ]);
    expect((await http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest })).body.data.created).toBe(1);
    const [alert] = await list('alertname=DiskAlmostFull');
    const detail = await http<{ data: AlertItem & { message: string | null; annotations: Record<string, string> } }>(api, 'GET', `/v1/alerts/${alert.id}`, {
      headers: reader,
    });
    expect(detail.body.data).toEqual(
      expect.objectContaining({ title: 'DiskAlmostFull', message: '/var is 97% full', annotations: { description: '/var is 97% full' } }),
    );
  });

  it('should store nothing of a payload (alerts, timeline, audit events) when the store fails partway, and answer a problem', async () => {
    // Fails the audit event of the payload's last alert: ingestion writes it after the alerts and their timeline.
    const marker = `tx-marker-${tenant.id}`;
    const trigger = `fail_ingest_${tenant.id.toLowerCase()}`;
    await world.prisma.$executeRawUnsafe(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.details->>'fingerprint' = '${marker}' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    const body = webhook(
      'firing',
      ['tx-1', 'tx-2', marker].map((fingerprint) => amAlert(fingerprint, 'firing', { labels: { alertname: 'TxRollback' } })),
    );
    const counts = async () =>
      Promise.all([
        world.prisma.alert.count({ where: { tenantId: tenant.id, alertname: 'TxRollback' } }),
        world.prisma.alertTimelineEntry.count({ where: { tenantId: tenant.id } }),
        world.prisma.auditEvent.count({ where: { tenantId: tenant.id } }),
      ]);
    const before = await counts();
    try {
      await world.prisma.$executeRawUnsafe(`CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
      const failed = await http<{ type: string; status: number }>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest });
      expect(failed.status).toBe(500);
      expect(failed.headers.get('content-type')).toContain('application/problem+json');
      expect(failed.body.status).toBe(500);
      expect(await counts()).toEqual(before);
      expect(before[0]).toBe(0);
    } finally {
      await world.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${trigger} ON audit_events`);
      await world.prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${trigger}()`);
    }
    // Nothing was left half-stored: the same payload now creates all three.
    expect((await http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest })).body.data.created).toBe(3);
  });

  it('should update a known alert whose annotations or generatorURL changed instead of duplicating it', async () => {
    await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook('firing', [amAlert('aa01', 'firing')]), headers: ingest });
    const changed = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [amAlert('aa01', 'firing', { annotations: { summary: 'web-01 still down' } })]),
      headers: ingest,
    });
    expect(changed.body.data).toEqual(expect.objectContaining({ created: 0, updated: 1 }));
    const moved = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [
        { ...amAlert('aa01', 'firing', { annotations: { summary: 'web-01 still down' } }), generatorURL: 'http://prometheus-2:9090/graph?g0.expr=up+%3D%3D+0' },
      ]),
      headers: ingest,
    });
    expect(moved.body.data).toEqual(expect.objectContaining({ created: 0, updated: 1 }));
    const rows = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, fingerprint: 'aa01' } });
    expect(rows.map((r) => [r.title, r.generatorUrl])).toEqual([['web-01 still down', 'http://prometheus-2:9090/graph?g0.expr=up+%3D%3D+0']]);
  });

  it('should store a group of 100 in one payload, mapping severities by the documented table', async () => {
    const severities = ['critical', 'error', 'warning', 'minor', 'info'];
    const alerts = Array.from({ length: 100 }, (_, i) => amAlert(`grp-${i}`, 'firing', { labels: { alertname: 'GroupTest', severity: severities[i % 5] } }));
    const result = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body: webhook('firing', alerts), headers: ingest });
    expect(result.body.data.created).toBe(100);
    const counts = await world.prisma.alert.groupBy({ by: ['severity'], where: { tenantId: tenant.id, alertname: 'GroupTest' }, _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.severity, c._count]))).toEqual({ critical: 20, high: 20, medium: 20, low: 20, info: 20 });
    expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'alert.create' } })).toBeGreaterThanOrEqual(100);
  });

  it('should show the group of 100 through the API: filtered lists with totals, label matches and statistics', async () => {
    type Page = { items: AlertItem[]; total: number; pagination: { total_pages: number } };
    const page = async (query: string) => (await http<Page>(api, 'GET', `/v1/alerts?${query}`, { headers: reader })).body;
    const all = await page('alertname=GroupTest&page_size=40');
    expect([all.total, all.items.length, all.pagination.total_pages]).toEqual([100, 40, 3]);
    const critical = await page('alertname=GroupTest&severity=critical,high&page_size=200');
    expect(critical.total).toBe(40);
    expect(new Set(critical.items.map((a) => a.labels.severity))).toEqual(new Set(['critical', 'error']));
    // The original label stays in labels: label=severity:error finds what was mapped to high.
    const byLabel = await page('alertname=GroupTest&label=severity:error&page_size=200');
    expect([byLabel.total, new Set(byLabel.items.map((a) => a.severity))]).toEqual([20, new Set(['high'])]);
    expect((await page('alertname=GroupTest&status=open&source=web-01')).total).toBe(100);
    expect((await page('q=grp-42&alertname=GroupTest')).items.map((a) => a.title)).toEqual(['web-01 is down']);
    const stats = await http<{ data: { total: number; groups: { key: string; count: number }[] } }>(
      api,
      'GET',
      '/v1/alerts/stats/severity?alertname=GroupTest',
      { headers: reader },
    );
    expect(stats.body.data).toEqual({
      dimension: 'severity',
      total: 100,
      groups: ['critical', 'high', 'medium', 'low', 'info'].map((key) => ({ key, count: 20 })),
    });
  });

  it('should keep the last word on an alert that a payload lists twice (same fingerprint and startsAt): one alert', async () => {
    const result = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('resolved', [
        amAlert('twice', 'firing', { annotations: { summary: 'first word' } }),
        amAlert('other-of-twice', 'firing'),
        amAlert('twice', 'resolved', { annotations: { summary: 'last word' }, endsAt: '2026-05-12T08:00:00Z' }),
      ]),
      headers: ingest,
    });
    expect(result.body.data).toEqual(expect.objectContaining({ created: 2, resolved: 1, updated: 0, unchanged: 0 }));
    const rows = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, fingerprint: 'twice' } });
    expect(rows.map((r) => [r.title, r.status, r.resolvedAt?.toISOString()])).toEqual([['last word', 'resolved', '2026-05-12T08:00:00.000Z']]);
    expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: rows[0].id } })).toBe(2);
  });

  it('should store each alert once when the same new alerts arrive in payloads at once (their identities claimed first)', async () => {
    const fingerprints = Array.from({ length: 20 }, (_, i) => `at-once-${i}`);
    const body = webhook(
      'firing',
      fingerprints.map((fingerprint) => amAlert(fingerprint, 'firing', { labels: { alertname: 'AtOnce' } })),
    );
    const results = await Promise.all(Array.from({ length: 4 }, () => http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest })));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    // Every alert was created by exactly one payload; the others found it and left it as it was.
    expect(results.reduce((sum, result) => sum + result.body.data.created, 0)).toBe(fingerprints.length);
    expect(results.reduce((sum, result) => sum + result.body.data.created + result.body.data.unchanged, 0)).toBe(4 * fingerprints.length);
    const stored = await world.prisma.alert.groupBy({ by: ['fingerprint'], where: { tenantId: tenant.id, fingerprint: { in: fingerprints } }, _count: true });
    expect(stored.map((group) => group._count).sort()).toEqual(fingerprints.map(() => 1));
    expect(await world.prisma.alertIdentity.count({ where: { tenantId: tenant.id, fingerprint: { in: fingerprints } } })).toBe(fingerprints.length);
  });

  it('should answer 400 for another payload version and store nothing', async () => {
    const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
    const result = await http<{ type: string; errors: { field: string; pointer: string }[] }>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [amAlert('v3', 'firing')], { version: '3' }),
      headers: ingest,
    });
    expect([result.status, result.body.type, result.body.errors.map((e) => [e.field, e.pointer])]).toEqual([
      400,
      '/problems/validation-error',
      [['version', '/body/version']],
    ]);
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
  });

  it.each([
    ['an alert without a fingerprint', { status: 'firing', labels: {}, startsAt: '2026-05-12T07:46:50Z' }, 'alerts[1].fingerprint'],
    ['an unknown alert status', { ...amAlert('bad', 'firing'), status: 'pending' }, 'alerts[1].status'],
    ['a numeric severity label', amAlert('num-2', 'firing', { labels: { severity: 2 } }), 'alerts[1].labels.severity'],
    ['an object as an annotation', amAlert('obj-1', 'firing', { annotations: { summary: { text: 'web-01 is down' } } }), 'alerts[1].annotations.summary'],
    ['labels given as an array', { ...amAlert('arr-1', 'firing'), labels: ['alertname=InstanceDown'] }, 'alerts[1].labels'],
  ])('should refuse %s alone, naming the field, and store the rest of its group', async (name, bad, field) => {
    const good = `kept-beside-${name.replace(/\W+/g, '-')}`;
    const result = await http<{
      data: Result['data'] & { refused: number; refused_alerts: { index: number; errors: { field: string; pointer: string }[] }[] };
    }>(api, 'POST', '/v1/ingest/alertmanager', {
      body: webhook('firing', [amAlert(good, 'firing'), bad]),
      headers: ingest,
    });
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual(expect.objectContaining({ created: 1, refused: 1 }));
    expect(result.body.data.refused_alerts.map((r) => [r.index, r.errors.map((e) => e.field)])).toEqual([[1, [field]]]);
    expect(result.body.data.refused_alerts[0].errors[0].pointer).toBe(`/body/${field.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '/')}`);
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint: good } })).toBe(1);
  });

  it('should cut a field over its limit, mark the alert, replace a NUL, and count both in the metrics', async () => {
    const metric = async (name: string) => {
      const text = (await http(api, 'GET', '/metrics')).text;
      return text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };
    const [ingestedBefore, truncatedBefore] = [
      await metric('alert_ledger_alerts_ingested_total'),
      await metric('alert_ledger_alerts_adjusted_total{adjustment="truncated"}'),
    ];
    const long = 'x'.repeat(13_600);
    const body = webhook('firing', [
      amAlert('cut-1', 'firing', { annotations: { description: long }, labels: { pod: 'p'.repeat(2_500) } }),
      amAlert('nul-1', 'firing', { labels: { alertname: 'Nul\u0000Label' } }),
      amAlert('fine-1', 'firing'),
    ]);
    const result = await http<{ data: Result['data'] & { truncated: number; refused: number } }>(api, 'POST', '/v1/ingest/alertmanager', {
      body,
      headers: ingest,
    });
    expect([result.status, result.body.data.created, result.body.data.truncated, result.body.data.refused]).toEqual([200, 3, 1, 0]);
    const rows = await world.prisma.alert.findMany({
      where: { tenantId: tenant.id, fingerprint: { in: ['cut-1', 'nul-1'] } },
      orderBy: { fingerprint: 'asc' },
    });
    const [cut, nul] = rows;
    expect([cut.message?.length, (cut.labels as Record<string, string>).pod.length, cut.truncatedFields]).toEqual([
      10_000,
      2_000,
      ['labels.pod', 'annotations.description'],
    ]);
    expect([nul.alertname, nul.truncatedFields]).toEqual(['Nul\uFFFDLabel', []]);
    const detail = await http<{ data: { truncated_fields: string[] } }>(api, 'GET', `/v1/alerts/${cut.id}`, { headers: reader });
    expect(detail.body.data.truncated_fields).toEqual(['labels.pod', 'annotations.description']);
    expect(await metric('alert_ledger_alerts_ingested_total')).toBe(ingestedBefore + 3);
    expect(await metric('alert_ledger_alerts_adjusted_total{adjustment="truncated"}')).toBe(truncatedBefore + 1);
  });

  describe('body limit', () => {
    const config = AppConfig.fromEnvironment();
    /** A group of `count` alerts with descriptions of `size` characters, and its size as sent. */
    const group = (prefix: string, count: number, size: number) => {
      const body = webhook(
        'firing',
        Array.from({ length: count }, (_, i) =>
          amAlert(`${prefix}-${i}`, 'firing', { labels: { alertname: 'BodyLimit', pod: `web-${i}` }, annotations: { description: 'x'.repeat(size) } }),
        ),
      );
      return { body, bytes: Buffer.byteLength(JSON.stringify(body)) };
    };

    it('should accept the largest group the payload allows (5,000 alerts, several MiB) though it is over the global body limit', async () => {
      const { body, bytes } = group('big', 5_000, 600);
      expect(bytes).toBeGreaterThan(config.bodyLimitBytes);
      expect(bytes).toBeLessThan(config.ingestBodyLimitBytes);
      const result = await http<Result>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest });
      expect(result.status).toBe(200);
      expect(result.body.data.created).toBe(5_000);
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, alertname: 'BodyLimit' } })).toBe(5_000);
    });

    it('should answer a body over INGEST_BODY_LIMIT_BYTES with a 413 problem naming that limit, and store nothing', async () => {
      const { body, bytes } = group('huge', 5_000, Math.ceil(config.ingestBodyLimitBytes / 5_000));
      expect(bytes).toBeGreaterThan(config.ingestBodyLimitBytes);
      const result = await http<{ type: string; i18n_args: object }>(api, 'POST', '/v1/ingest/alertmanager', { body, headers: ingest });
      expect(result.status).toBe(413);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      expect(result.body.type).toBe('/problems/payload-too-large');
      expect(result.body.i18n_args).toEqual({ limit_bytes: config.ingestBodyLimitBytes });
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, fingerprint: { startsWith: 'huge-' } } })).toBe(0);
    });
  });

  it('should answer 403 without alerts:ingest', async () => {
    const forbidden = await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook('firing', []), headers: reader });
    expect(forbidden.status).toBe(403);
  });
});

describe('Alertmanager ingestion into a long audit chain', () => {
  let api: TestApi;
  const world = new World();

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should keep the chain verifiable past seq 9 → 10 (numeric, not text, order)', async () => {
    const tenant = await world.tenant('Long chain');
    const headers = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
    for (let round = 0; round < 4; round++) {
      const alerts = Array.from({ length: 4 }, (_, i) => amAlert(`chain-${round}-${i}`, 'firing'));
      expect((await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook('firing', alerts), headers })).status).toBe(200);
    }
    const verify = await http<{ data: { valid: boolean; checked: number } }>(api, 'GET', '/v1/audit-trail/verify', {
      headers: world.bearer(tenant, ['audit:read']),
    });
    expect(verify.body.data).toEqual(expect.objectContaining({ valid: true, checked: 16 }));
  });
});
