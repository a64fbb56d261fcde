import { CursorCodec, publicId } from '@app/common';
import { Tenant } from '@app/database';

import { http, HttpResult, startApi, TestApi } from './utils/api';
import { alertRow, World } from './utils/world';

interface AlertBody {
  id: string;
  status: string;
  severity: string;
  version: number;
  title: string;
  acknowledged_by: string | null;
  resolved_at: string | null;
  ends_at: string | null;
  alertname?: string | null;
  alert_rule?: { id: string; name: string | null; description: string | null; active: boolean | null; analytic_id: string | null } | null;
}
type One = { data: AlertBody };
type List = {
  items: AlertBody[];
  total: number | null;
  pagination: { next_cursor: string | null; prev_cursor: string | null; has_next: boolean; next_page: number | null; total_pages: number | null };
};

/** A 400 validation-error problem (code 10000001) whose one violation is `field` of the query string. */
function expectQueryViolation(result: HttpResult<unknown>, field: string, code: string): void {
  expect(result.status).toBe(400);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(result.body).toEqual(
    expect.objectContaining({
      type: '/problems/validation-error',
      status: 400,
      code: 10000001,
      errors: [expect.objectContaining({ field, pointer: `/query/${field}`, code })],
    }),
  );
}

describe('alerts', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let reader: Record<string, string>;
  let writer: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Alerts'), world.tenant('Other')]);
    reader = world.bearer(tenant, ['alerts:read'], 'reader');
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'analyst-1');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const newAlert = { type: 'brute_force', source: 'auth-gateway', title: 'Brute force on vpn-gw', severity: 'high', labels: { env: 'prod' } };

  describe('create', () => {
    it('should create an alert with server-set lifecycle fields, an ETag, a timeline entry and an audit event', async () => {
      const result = await http<One>(api, 'POST', '/v1/alerts', { body: newAlert, headers: writer });
      expect(result.status).toBe(201);
      const alert = result.body.data;
      expect(alert).toEqual(expect.objectContaining({ status: 'open', severity: 'high', version: 1, acknowledged_by: null }));
      expect(result.headers.get('etag')).toBe('"1"');
      expect(result.headers.get('location')).toBe(`/v1/alerts/${alert.id}`);
      const timeline = await http<{ data: { action: string; actor: string }[] }>(api, 'GET', `/v1/alerts/${alert.id}/timeline`, { headers: reader });
      expect(timeline.body.data.map((e) => `${e.actor}:${e.action}`)).toEqual(['analyst-1:created']);
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, resourceId: alert.id, action: 'alert.create' } })).toBe(1);
    });

    it('should keep alert_rule as it was when the alert was raised (seed 000), in the detail, the list and a batch', async () => {
      const rule = { id: 'rule-fr-07', name: 'Unknown face', description: 'Faces not enrolled', active: true, analytic_id: 'FR' };
      const created = await http<One>(api, 'POST', '/v1/alerts', { body: { ...newAlert, title: 'Ruled', alert_rule: rule }, headers: writer });
      expect(created.status).toBe(201);
      expect(created.body.data.alert_rule).toEqual(rule);
      const detail = await http<One>(api, 'GET', `/v1/alerts/${created.body.data.id}`, { headers: reader });
      expect(detail.body.data.alert_rule).toEqual(rule);
      const list = await http<{ items: AlertBody[] }>(api, 'GET', '/v1/alerts?alert_rule_id=rule-fr-07', { headers: reader });
      expect(list.body.items.map((a) => a.alert_rule)).toEqual([rule]);
      const batch = await http<{ data: { created: AlertBody[] } }>(api, 'POST', '/v1/alerts/batch', {
        body: { alerts: [{ ...newAlert, alert_rule: { id: 'rule-9', active: false } }, newAlert] },
        headers: writer,
      });
      expect(batch.body.data.created.map((a) => a.alert_rule)).toEqual([
        { id: 'rule-9', name: null, description: null, active: false, analytic_id: null },
        null,
      ]);
    });

    it.each([
      ['active that is not a boolean', { id: 'r', active: 'yes' }, 'alert_rule.active'],
      ['a description over 2,000 characters', { id: 'r', description: 'x'.repeat(2001) }, 'alert_rule.description'],
      ['an analytic id over 100 characters', { id: 'r', analytic_id: 'x'.repeat(101) }, 'alert_rule.analytic_id'],
      ['no id', { name: 'Unnamed' }, 'alert_rule.id'],
    ])('should answer 400 for an alert_rule with %s', async (_name, alertRule, field) => {
      const result = await http<{ errors: { field: string }[] }>(api, 'POST', '/v1/alerts', { body: { ...newAlert, alert_rule: alertRule }, headers: writer });
      expect(result.status).toBe(400);
      expect(result.body.errors.map((e) => e.field)).toEqual([field]);
    });

    it('should answer the first alert for a repeated Idempotency-Key and 422 for the key with another body', async () => {
      const headers = { ...writer, 'idempotency-key': `key-${Date.now()}` };
      const first = await http<One>(api, 'POST', '/v1/alerts', { body: newAlert, headers });
      const again = await http<One>(api, 'POST', '/v1/alerts', { body: newAlert, headers });
      expect(again.body.data.id).toBe(first.body.data.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const different = await http(api, 'POST', '/v1/alerts', { body: { ...newAlert, title: 'Something else' }, headers });
      expect(different.status).toBe(422);
      expect(different.body.type).toBe('/problems/idempotency-key-reused');
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id, title: 'Something else' } })).toBe(0);
    });

    it('should store the valid items of a batch and report the invalid ones by index', async () => {
      const result = await http<{
        data: { created: AlertBody[]; created_indexes: number[]; errors: { index: number; errors: { field: string; code: string }[] }[] };
      }>(api, 'POST', '/v1/alerts/batch', {
        body: { alerts: [{ ...newAlert, title: 'batch 0' }, { ...newAlert, severity: 'urgent' }, { ...newAlert, title: 'batch 2' }, { title: 'no type' }] },
        headers: writer,
      });
      expect(result.status).toBe(200);
      expect(result.body.data.created.map((a) => a.title)).toEqual(['batch 0', 'batch 2']);
      expect(result.body.data.created_indexes).toEqual([0, 2]);
      expect(result.body.data.errors.map((e) => e.index)).toEqual([1, 3]);
      expect(result.body.data.errors[0].errors).toEqual([expect.objectContaining({ field: 'alerts[1].severity', code: 'enum' })]);
    });

    it('should answer 400 naming the member for labels or annotations that are not strings, alone and in a batch, and store nothing', async () => {
      const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
      const one = await http<{ errors: { field: string; pointer: string; code: string }[] }>(api, 'POST', '/v1/alerts', {
        body: { ...newAlert, labels: { env: 'prod', priority: 1 }, annotations: { runbook: { url: 'https://runbooks.example.com' } } },
        headers: writer,
      });
      expect(one.status).toBe(400);
      expect(one.body.errors.map(({ field, pointer, code }) => ({ field, pointer, code }))).toEqual([
        { field: 'labels.priority', pointer: '/body/labels/priority', code: 'type' },
        { field: 'annotations.runbook', pointer: '/body/annotations/runbook', code: 'type' },
      ]);
      const batch = await http<{ data: { created: AlertBody[]; errors: { index: number; errors: { field: string; code: string }[] }[] } }>(
        api,
        'POST',
        '/v1/alerts/batch',
        {
          body: { alerts: [{ ...newAlert, labels: ['env=prod'] }] },
          headers: writer,
        },
      );
      expect(batch.body.data.created).toEqual([]);
      expect(batch.body.data.errors).toEqual([{ index: 0, errors: [expect.objectContaining({ field: 'alerts[0].labels', code: 'type' })] }]);
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
    });

    it('should report batch items that are not objects by index, like other invalid items, and store the rest', async () => {
      type Batch = {
        data: { created: AlertBody[]; created_indexes: number[]; errors: { index: number; errors: { field: string; pointer: string; code: string }[] }[] };
      };
      const result = await http<Batch>(api, 'POST', '/v1/alerts/batch', {
        body: { alerts: [{ ...newAlert, title: 'batch object 0' }, null, 'x', 42, [newAlert], { ...newAlert, title: 'batch object 5' }] },
        headers: writer,
      });
      expect(result.status).toBe(200);
      expect(result.body.data.created.map((a) => a.title)).toEqual(['batch object 0', 'batch object 5']);
      expect(result.body.data.created_indexes).toEqual([0, 5]);
      expect(result.body.data.errors.map((e) => [e.index, e.errors.map(({ field, pointer, code }) => ({ field, pointer, code }))])).toEqual([
        [1, [{ field: 'alerts[1]', pointer: '/body/alerts/1', code: 'required' }]],
        [2, [{ field: 'alerts[2]', pointer: '/body/alerts/2', code: 'type' }]],
        [3, [{ field: 'alerts[3]', pointer: '/body/alerts/3', code: 'type' }]],
        [4, [{ field: 'alerts[4]', pointer: '/body/alerts/4', code: 'type' }]],
      ]);
    });

    it.each([
      ['more than 1,000 alerts', () => Array.from({ length: 1001 }, () => newAlert), 'length'],
      ['no alerts', () => [], 'length'],
      ['alerts that are not an array', () => newAlert, 'type'],
    ])('should refuse a batch of %s with 400 validation-error and store nothing', async (_, alerts, code) => {
      const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
      const result = await http(api, 'POST', '/v1/alerts/batch', { body: { alerts: alerts() }, headers: writer });
      expect(result.status).toBe(400);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
      expect(result.body.errors).toEqual([expect.objectContaining({ field: 'alerts', pointer: '/body/alerts', code })]);
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
    });
  });

  describe('list', () => {
    let listTenant: Tenant;
    let headers: Record<string, string>;

    beforeAll(async () => {
      listTenant = await world.tenant('List');
      headers = world.bearer(listTenant, ['alerts:read']);
      const day = (d: string) => new Date(`${d}T12:00:00Z`);
      await world.prisma.alert.createMany({
        data: [
          alertRow(listTenant.id, {
            title: 'Disk full on db-primary',
            message: 'Quota exceeded on /var',
            severity: 'critical',
            status: 'open',
            source: 'Prometheus-EU',
            labels: { env: 'prod', team: 'dba' },
            createdAt: day('2025-04-01'),
          }),
          alertRow(listTenant.id, {
            title: 'Login burst',
            severity: 'low',
            status: 'acknowledged',
            source: 'auth-gateway',
            labels: { env: 'prod', team: 'sec' },
            createdAt: day('2025-04-02'),
            alertRuleName: 'Brute force detection',
          }),
          alertRow(listTenant.id, {
            title: 'Latency high',
            severity: 'high',
            status: 'resolved',
            source: 'prometheus-us',
            labels: { env: 'staging' },
            createdAt: day('2025-04-03'),
          }),
          alertRow(listTenant.id, {
            title: 'Unknown face',
            severity: 'info',
            status: 'open',
            source: 'lenz',
            labels: {},
            createdAt: day('2025-04-04'),
            alertableId: 'event_stream-xyz_1746000898',
          }),
          alertRow(listTenant.id, {
            title: 'Policy violation',
            severity: 'critical',
            status: 'dismissed',
            source: 'casb',
            labels: { env: 'prod' },
            createdAt: day('2025-04-05'),
          }),
        ],
      });
      await world.prisma.alert.create({ data: alertRow(other.id, { title: 'Other tenant alert', severity: 'critical' }) });
    });

    const titles = (result: HttpResult<List>) => result.body.items.map((a) => a.title);

    it('should filter by multi-value severity in both syntaxes and by status', async () => {
      const comma = await http<List>(api, 'GET', '/v1/alerts?severity=critical,high&sort_by=created_at&sort_direction=asc', { headers });
      const repeated = await http<List>(api, 'GET', '/v1/alerts?severity=critical&severity=high&sort_by=created_at&sort_direction=asc', { headers });
      expect(titles(comma)).toEqual(['Disk full on db-primary', 'Latency high', 'Policy violation']);
      expect(titles(repeated)).toEqual(titles(comma));
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?status=open&severity=critical', { headers }))).toEqual(['Disk full on db-primary']);
    });

    it('should match source case-insensitively by substring, labels by AND, and q over title, message, source, alertable id and rule name', async () => {
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?source=PROMETHEUS&sort_direction=asc', { headers }))).toEqual([
        'Disk full on db-primary',
        'Latency high',
      ]);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?label=env:prod&label=team:sec', { headers }))).toEqual(['Login burst']);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=brute%20FORCE', { headers }))).toEqual(['Login burst']);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=stream-xyz', { headers }))).toEqual(['Unknown face']);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=100%25', { headers }))).toEqual([]);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=DB-PRIMARY', { headers }))).toEqual(['Disk full on db-primary']);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=casb', { headers }))).toEqual(['Policy violation']);
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=quota%20exceeded%20on%20%2Fvar', { headers }))).toEqual(['Disk full on db-primary']);
      // Fields are searched one by one: no match spans the end of one and the start of the next.
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=facelenz', { headers }))).toEqual([]);
    });

    it('should read date-only bounds in the time zone: from inclusive, to exclusive', async () => {
      const result = await http<List>(api, 'GET', '/v1/alerts?created_from=2025-04-02&created_to=2025-04-04&timezone=Asia/Jakarta&sort_direction=asc', {
        headers,
      });
      expect(titles(result)).toEqual(['Login burst', 'Latency high']);
      const exact = await http<List>(api, 'GET', '/v1/alerts?created_from=2025-04-03T12:00:00Z&created_to=2025-04-03T12:00:00.001Z', { headers });
      expect(titles(exact)).toEqual(['Latency high']);
    });

    it('should sort by severity rank, critical first when descending, then newest first', async () => {
      const result = await http<List>(api, 'GET', '/v1/alerts?sort_by=severity&sort_direction=desc', { headers });
      expect(result.body.items.map((a) => a.severity)).toEqual(['critical', 'critical', 'high', 'low', 'info']);
      expect(titles(result).slice(0, 2)).toEqual(['Policy violation', 'Disk full on db-primary']);
    });

    it('should page by cursor through every alert in severity order, forward and exactly back, with inserts in between', async () => {
      const seen: AlertBody[] = [];
      const pages: List[] = [];
      let path = '/v1/alerts?pagination=cursor&page_size=2&sort_by=severity&sort_direction=desc';
      for (;;) {
        const page = await http<List>(api, 'GET', path, { headers });
        expect(page.status).toBe(200);
        pages.push(page.body);
        seen.push(...page.body.items);
        await world.prisma.alert.create({ data: alertRow(listTenant.id, { title: 'Inserted while paging', severity: 'critical' }) });
        if (!page.body.pagination.next_cursor) break;
        path = `/v1/alerts?sort_by=severity&sort_direction=desc&page_size=2&cursor=${encodeURIComponent(page.body.pagination.next_cursor)}`;
      }
      expect(seen.map((a) => a.title)).not.toContain('Inserted while paging');
      expect(seen).toHaveLength(5);
      expect(new Set(seen.map((a) => a.id)).size).toBe(5);
      const back = await http<List>(
        api,
        'GET',
        `/v1/alerts?sort_by=severity&sort_direction=desc&page_size=2&cursor=${encodeURIComponent(pages[2].pagination.prev_cursor as string)}`,
        { headers },
      );
      expect(back.body.items.map((a) => a.id)).toEqual(pages[1].items.map((a) => a.id));
      await world.prisma.alert.deleteMany({ where: { tenantId: listTenant.id, title: 'Inserted while paging' } });
    });

    it('should answer offset pages with the total and page links', async () => {
      const result = await http<List>(api, 'GET', '/v1/alerts?page=2&page_size=2', { headers });
      expect(result.body.total).toBe(5);
      expect(result.body.pagination).toEqual(expect.objectContaining({ total_pages: 3, next_page: 3, has_next: true }));
    });

    it('should never show another tenant’s alerts, and let admin narrow to one tenant', async () => {
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?q=Other%20tenant', { headers }))).toEqual([]);
      const admin = await world.admin();
      expect(titles(await http<List>(api, 'GET', `/v1/alerts?tenant_id=${other.id}`, { headers: admin }))).toEqual(['Other tenant alert']);
    });

    it.each([
      ['page_size=201', 'page_size', 'range'],
      ['sort_by=colour', 'sort_by', 'enum'],
      ['severity=urgent', 'severity', 'enum'],
      ['created_from=2025-13-01', 'created_from', 'format'],
      ['created_from=2025-04-05&created_to=2025-04-05', 'created_to', 'range'],
      ['timezone=Nowhere/Land', 'timezone', 'format'],
      ['label=novalue', 'label', 'format'],
      ['pagination=pages', 'pagination', 'enum'],
      ['sort_direction=up', 'sort_direction', 'enum'],
      ['include_total=maybe', 'include_total', 'type'],
      ['page=0', 'page', 'range'],
      // Seed parameters that are not ours are refused, not ignored (docs/API-DECISIONS.md, "Seed deviations").
      ['pageSize=50', 'pageSize', 'unknown'],
      ['startDate=2026-02-08T00:00:00Z', 'startDate', 'unknown'],
    ])('should answer 400 validation-error for %s', async (query, field, code) => {
      expectQueryViolation(await http(api, 'GET', `/v1/alerts?${query}`, { headers }), field, code);
    });

    it('should take severities in any case (seed 001 writes Info, Warning, Critical) and refuse warning, which is medium here', async () => {
      expect(titles(await http<List>(api, 'GET', '/v1/alerts?severity=CRITICAL,Info&sort_direction=asc', { headers }))).toEqual([
        'Disk full on db-primary',
        'Unknown face',
        'Policy violation',
      ]);
      const warning = await http<{ type: string; code: number; errors: { field: string; code: string; description: string }[] }>(
        api,
        'GET',
        '/v1/alerts?severity=Warning',
        { headers },
      );
      expect(warning.status).toBe(400);
      expect(warning.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
      expect(warning.body.errors).toEqual([
        expect.objectContaining({ field: 'severity', code: 'enum', description: expect.stringContaining('a warning is medium here') }),
      ]);
    });

    it('should answer 400 invalid-cursor for a tampered cursor', async () => {
      const first = await http<List>(api, 'GET', '/v1/alerts?pagination=cursor&page_size=1', { headers });
      const cursor = first.body.pagination.next_cursor as string;
      const result = await http(api, 'GET', `/v1/alerts?cursor=${encodeURIComponent(`x${cursor.slice(1)}`)}`, { headers });
      expect(result.status).toBe(400);
      expect(result.body).toEqual(
        expect.objectContaining({
          type: '/problems/invalid-cursor',
          code: 10000003,
          errors: [expect.objectContaining({ field: 'cursor', pointer: '/query/cursor' })],
        }),
      );
      const otherSort = await http(api, 'GET', `/v1/alerts?sort_by=title&cursor=${encodeURIComponent(cursor)}`, { headers });
      expect(otherSort.status).toBe(400);
      expect(otherSort.body).toEqual(expect.objectContaining({ type: '/problems/invalid-cursor', code: 10000003 }));
    });
  });

  describe('sorting on (rank, created_at, id) and ends_at', () => {
    let sortTenant: Tenant;
    let headers: Record<string, string>;
    type Row = { id: string; severity: string; status: string; createdAt: Date; endsAt: Date | null };
    const rows: Row[] = [];
    const SEVERITY_RANK = ['info', 'low', 'medium', 'high', 'critical'];
    const STATUS_RANK = ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'];
    type Page = List & { items: AlertBody[]; pagination: List['pagination'] & { has_prev: boolean } };

    beforeAll(async () => {
      sortTenant = await world.tenant('Sorting');
      headers = world.bearer(sortTenant, ['alerts:read']);
      // Equal severities and statuses with different created_at, equal created_at with different ids, open alerts without an end.
      const at = (minute: number) => new Date(Date.UTC(2025, 5, 1, 12, minute));
      const specs: [string, string, number, number | null][] = [
        ['high', 'open', 1, null],
        ['high', 'open', 7, null],
        ['high', 'resolved', 3, 20],
        ['high', 'acknowledged', 3, null],
        ['critical', 'open', 2, null],
        ['critical', 'resolved', 9, 30],
        ['low', 'open', 5, null],
        ['low', 'dismissed', 5, 25],
        ['low', 'open', 8, null],
        ['info', 'resolved', 4, 20],
        ['high', 'open', 7, null],
      ];
      // Each id carries its created_at (the alert's monthly partition), and equal created_at values have ids that
      // differ only in their random part: the id breaks those ties.
      specs.forEach(([severity, status, minute, end]) => {
        rows.push({
          id: publicId('alr', at(minute).getTime()),
          severity,
          status,
          createdAt: at(minute),
          endsAt: end === null ? null : at(end),
        });
      });
      await world.prisma.alert.createMany({
        data: rows.map((row) =>
          alertRow(sortTenant.id, { id: row.id, severity: row.severity as 'high', status: row.status as 'open', createdAt: row.createdAt, endsAt: row.endsAt }),
        ),
      });
    });

    const byId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const KEYS: Record<string, (row: Row) => number[]> = {
      severity: (row) => [SEVERITY_RANK.indexOf(row.severity), row.createdAt.getTime()],
      status: (row) => [STATUS_RANK.indexOf(row.status), row.createdAt.getTime()],
      ends_at: (row) => [row.endsAt?.getTime() ?? Infinity],
    };

    function expectedIds(sortBy: string, direction: 'asc' | 'desc'): string[] {
      const compare = (a: Row, b: Row) => {
        const [ka, kb] = [KEYS[sortBy](a), KEYS[sortBy](b)];
        for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        return byId(a, b);
      };
      const sorted = [...rows].sort(compare).map((row) => row.id);
      return direction === 'asc' ? sorted : sorted.reverse();
    }

    const get = async (path: string): Promise<Page> => {
      const result = await http<Page>(api, 'GET', path, { headers });
      expect(result.status).toBe(200);
      return result.body;
    };
    const ids = (page: Page) => page.items.map((a) => a.id);

    describe.each([
      ['severity', 'desc'],
      ['severity', 'asc'],
      ['status', 'desc'],
      ['status', 'asc'],
      ['ends_at', 'asc'],
      ['ends_at', 'desc'],
    ] as const)('sort_by=%s, sort_direction=%s', (sortBy, direction) => {
      const base = `/v1/alerts?sort_by=${sortBy}&sort_direction=${direction}&page_size=3`;

      it('should answer the same order in offset pages as in the expected key order', async () => {
        const seen: string[] = [];
        for (let page = 1; ; page++) {
          const body = await get(`${base}&page=${page}`);
          seen.push(...ids(body));
          if (!body.pagination.has_next) break;
        }
        expect(seen).toEqual(expectedIds(sortBy, direction));
      });

      it('should walk cursor pages forward in that order, then back with prev_cursor to page 1 exactly', async () => {
        const forward: Page[] = [await get(`${base}&pagination=cursor`)];
        while (forward[forward.length - 1].pagination.next_cursor) {
          forward.push(await get(`${base}&cursor=${encodeURIComponent(forward[forward.length - 1].pagination.next_cursor as string)}`));
        }
        expect(forward.flatMap(ids)).toEqual(expectedIds(sortBy, direction));
        expect(forward).toHaveLength(4);
        expect(forward[0].pagination.has_prev).toBe(false);
        expect(forward[3].pagination).toEqual(expect.objectContaining({ has_next: false, next_cursor: null }));
        let page = forward[3];
        for (let i = 2; i >= 0; i--) {
          page = await get(`${base}&cursor=${encodeURIComponent(page.pagination.prev_cursor as string)}`);
          expect(ids(page)).toEqual(ids(forward[i]));
          expect(page.pagination.has_next).toBe(true);
        }
        expect(page.pagination).toEqual(expect.objectContaining({ has_prev: false, prev_cursor: null }));
        // Forward again from the page reached going back: the walk is the same.
        expect(ids(await get(`${base}&cursor=${encodeURIComponent(page.pagination.next_cursor as string)}`))).toEqual(ids(forward[1]));
      });
    });

    it('should refuse a cursor whose sort value does not fit the sort key (as a cursor issued for the old severity key) with 400 invalid-cursor', async () => {
      const codec = new CursorCodec(process.env.CURSOR_SECRET as string);
      const direction = 'desc';
      // The list without `status` or `shelved` leaves shelved alerts out: its cursors are bound to that filter.
      const binding = CursorCodec.binding({
        scope: { resource: 'alerts', tenantId: sortTenant.id, filter: { shelved: 'false' } },
        sort: 'severity',
        direction,
      });
      const genuine = (await get('/v1/alerts?sort_by=severity&pagination=cursor&page_size=3')).pagination.next_cursor as string;
      expect(codec.decode(genuine, binding).key[0]).toEqual(['high', { date: expect.any(String) }]);
      const oldShape = codec.encode({ direction: 'next', key: ['high', rows[0].id] }, binding);
      const result = await http(api, 'GET', `/v1/alerts?sort_by=severity&sort_direction=desc&cursor=${encodeURIComponent(oldShape)}`, { headers });
      expect(result.status).toBe(400);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/invalid-cursor', code: 10000003 }));
    });
  });

  describe('detail and lifecycle', () => {
    async function fresh(): Promise<AlertBody> {
      return (await http<One>(api, 'POST', '/v1/alerts', { body: newAlert, headers: writer })).body.data;
    }

    it('should read by id and by alertable, and refuse an unknown alertable type listing the allowed ones', async () => {
      const row = await world.prisma.alert.create({ data: alertRow(tenant.id, { alertableType: 'event', alertableId: 'event_stream-abc_1' }) });
      expect((await http<One>(api, 'GET', `/v1/alerts/${row.id}`, { headers: reader })).body.data.id).toBe(row.id);
      expect((await http<One>(api, 'GET', '/v1/alerts/by-alertable/event/event_stream-abc_1', { headers: reader })).body.data.id).toBe(row.id);
      const bad = await http<{ errors: { description: string }[] }>(api, 'GET', '/v1/alerts/by-alertable/robot/x', { headers: reader });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].description).toBe('alertable_type must be one of: event, manual, system, scheduled, external');
      expect((await http(api, 'GET', '/v1/alerts/by-alertable/event/nothing', { headers: reader })).status).toBe(404);
    });

    it('should walk acknowledge → resolve → reopen, setting timestamps and actors and writing the timeline', async () => {
      const alert = await fresh();
      const ack = await http<One>(api, 'POST', `/v1/alerts/${alert.id}/acknowledge`, { body: { note: 'on it' }, headers: writer });
      expect(ack.body.data).toEqual(expect.objectContaining({ status: 'acknowledged', acknowledged_by: 'analyst-1', version: 2 }));
      // A high alert: the tenant's default note_required_from (high) asks for a note.
      const resolved = await http<One>(api, 'POST', `/v1/alerts/${alert.id}/resolve`, {
        body: { note: 'patched' },
        headers: { ...writer, 'if-match': ack.headers.get('etag') as string },
      });
      expect(resolved.body.data.status).toBe('resolved');
      expect(resolved.body.data.resolved_at).not.toBeNull();
      expect(resolved.body.data.ends_at).toBe(resolved.body.data.resolved_at);
      const reopened = await http<One>(api, 'POST', `/v1/alerts/${alert.id}/reopen`, { body: { note: 'came back' }, headers: writer });
      expect(reopened.body.data).toEqual(expect.objectContaining({ status: 'open', resolved_at: null, ends_at: null, version: 4 }));
      const timeline = await http<{ data: { action: string; from_status: string | null; to_status: string | null; note: string | null }[] }>(
        api,
        'GET',
        `/v1/alerts/${alert.id}/timeline`,
        { headers: reader },
      );
      expect(timeline.body.data.map((e) => [e.action, e.from_status, e.to_status, e.note])).toEqual([
        ['created', null, 'open', null],
        ['acknowledged', 'open', 'acknowledged', 'on it'],
        ['resolved', 'acknowledged', 'resolved', 'patched'],
        ['reopened', 'resolved', 'open', 'came back'],
      ]);
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: alert.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((e) => e.action)).toEqual(['alert.create', 'alert.acknowledge', 'alert.resolve', 'alert.reopen']);
    });

    it('should answer 409 naming the current status and the allowed actions, and change nothing', async () => {
      const alert = await fresh();
      await http(api, 'POST', `/v1/alerts/${alert.id}/dismiss`, { body: { note: 'false positive' }, headers: writer });
      const refused = await http(api, 'POST', `/v1/alerts/${alert.id}/acknowledge`, { body: {}, headers: writer });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toEqual(
        expect.objectContaining({
          type: '/problems/invalid-transition',
          status: 409,
          code: 10020001,
          current_status: 'dismissed',
          allowed_actions: ['reopen'],
        }),
      );
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).version).toBe(2);
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: alert.id } })).toBe(2);
    });

    it('should answer 412 for a stale If-Match and change nothing', async () => {
      const alert = await fresh();
      await http(api, 'PUT', `/v1/alerts/${alert.id}/assignee`, { body: { assignee: 'analyst-2' }, headers: writer });
      const stale = await http(api, 'POST', `/v1/alerts/${alert.id}/acknowledge`, { body: {}, headers: { ...writer, 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual(expect.objectContaining({ type: '/problems/precondition-failed', status: 412, code: 10000011 }));
      expect(stale.headers.get('etag')).toBe('"2"');
      expect(await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toEqual(expect.objectContaining({ status: 'open', version: 2 }));
      expect(await world.prisma.auditEvent.count({ where: { resourceId: alert.id, action: 'alert.acknowledge' } })).toBe(0);
    });

    it('should update the follow-up status and notes (seed 000)', async () => {
      const alert = await fresh();
      const result = await http<{ data: { follow_up_status: string; follow_up_notes: string } }>(api, 'PATCH', `/v1/alerts/${alert.id}/follow-up-status`, {
        body: { follow_up_status: 'followed_up', follow_up_notes: 'Sudah diperiksa' },
        headers: writer,
      });
      expect(result.body.data).toEqual(expect.objectContaining({ follow_up_status: 'followed_up', follow_up_notes: 'Sudah diperiksa' }));
      const bad = await http(api, 'PATCH', `/v1/alerts/${alert.id}/follow-up-status`, { body: { follow_up_status: 'done' }, headers: writer });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).followUpStatus).toBe('followed_up');
    });

    it('should keep the follow-up notes when a PATCH omits them, and clear them for an explicit null', async () => {
      const alert = await fresh();
      type FollowUp = { data: { follow_up_status: string; follow_up_notes: string | null; version: number } };
      const path = `/v1/alerts/${alert.id}/follow-up-status`;
      await http(api, 'PATCH', path, { body: { follow_up_status: 'followed_up', follow_up_notes: 'Checked by the SOC at 09:00' }, headers: writer });
      const kept = await http<FollowUp>(api, 'PATCH', path, { body: { follow_up_status: 'not_followed_up' }, headers: writer });
      expect(kept.body.data).toEqual(
        expect.objectContaining({ follow_up_status: 'not_followed_up', follow_up_notes: 'Checked by the SOC at 09:00', version: 3 }),
      );
      const cleared = await http<FollowUp>(api, 'PATCH', path, { body: { follow_up_status: 'followed_up', follow_up_notes: null }, headers: writer });
      expect(cleared.body.data).toEqual(expect.objectContaining({ follow_up_status: 'followed_up', follow_up_notes: null, version: 4 }));
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).followUpNotes).toBeNull();
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: alert.id, action: 'alert.follow_up' }, orderBy: { seq: 'asc' } });
      expect(audit.map((e) => (e.details as { notes: string }).notes)).toEqual(['set', 'kept', 'cleared']);
      const wrongType = await http(api, 'PATCH', path, { body: { follow_up_status: 'followed_up', follow_up_notes: 7 }, headers: writer });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toEqual(
        expect.objectContaining({
          type: '/problems/validation-error',
          code: 10000001,
          errors: [expect.objectContaining({ field: 'follow_up_notes', code: 'type' })],
        }),
      );
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).version).toBe(4);
    });

    it('should answer 404 for another tenant’s alert on read, change and timeline, and 400 for a malformed id', async () => {
      const foreign = await world.prisma.alert.create({ data: alertRow(other.id) });
      expect((await http(api, 'GET', `/v1/alerts/${foreign.id}`, { headers: reader })).status).toBe(404);
      expect((await http(api, 'GET', `/v1/alerts/${foreign.id}/timeline`, { headers: reader })).status).toBe(404);
      expect((await http(api, 'POST', `/v1/alerts/${foreign.id}/acknowledge`, { body: {}, headers: writer })).status).toBe(404);
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe('open');
      expect((await http(api, 'GET', '/v1/alerts/not-an-id', { headers: reader })).status).toBe(400);
      expect((await http(api, 'POST', `/v1/alerts/${foreign.id}/acknowledge`, { body: {}, headers: reader })).status).toBe(403);
    });
  });

  describe('bulk', () => {
    it('should answer per-id outcomes: one failing id does not stop the rest', async () => {
      const bulkTenant = await world.tenant('Bulk');
      const headers = world.bearer(bulkTenant, ['alerts:read', 'alerts:write'], 'bulker');
      const open = await world.prisma.alert.create({ data: alertRow(bulkTenant.id) });
      const resolved = await world.prisma.alert.create({ data: alertRow(bulkTenant.id, { status: 'resolved' }) });
      const foreign = await world.prisma.alert.create({ data: alertRow(other.id) });
      const result = await http<{ data: { updated: number; failed: number; outcomes: { id: string; outcome: string }[] } }>(
        api,
        'POST',
        '/v1/alerts/bulk/acknowledge',
        {
          body: { ids: [open.id, resolved.id, foreign.id] },
          headers,
        },
      );
      expect(result.body.data.outcomes.map((o) => o.outcome)).toEqual(['updated', 'invalid_transition', 'not_found']);
      expect(result.body.data).toEqual(expect.objectContaining({ updated: 1, failed: 2 }));
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe('open');
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: open.id, action: 'acknowledged' } })).toBe(1);
    });

    type Bulk = {
      code: number;
      data: {
        action: string;
        matched: number;
        updated: number;
        failed: number;
        outcomes: { id: string; outcome: string; status: string | null }[];
        error?: { type: string; status: number; code: number; request_id: string };
      };
    };

    it('should stream one outcome per alert a filter matches, across chunks, each id once, with one audit event per change', async () => {
      const bulkTenant = await world.tenant('Bulk filter');
      const headers = world.bearer(bulkTenant, ['alerts:write'], 'bulker');
      await world.prisma.alert.createMany({
        data: Array.from({ length: 2_600 }, (_, i) =>
          alertRow(bulkTenant.id, { severity: i % 5 === 0 ? 'high' : 'low', status: i % 7 === 0 ? 'resolved' : 'open' }),
        ),
      });
      const low = await world.prisma.alert.findMany({
        where: { tenantId: bulkTenant.id, severity: 'low' },
        select: { id: true, status: true },
        orderBy: { id: 'asc' },
      });
      const result = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/dismiss', { body: { filter: { severity: ['low'] }, note: 'noise' }, headers });
      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toMatch(/^application\/json/);
      expect(result.headers.get('content-length')).toBeNull();
      expect(result.headers.get('transfer-encoding')).toBe('chunked');
      const { data } = result.body;
      const resolved = low.filter((a) => a.status === 'resolved').length;
      expect(data).toEqual(expect.objectContaining({ action: 'dismiss', matched: low.length, updated: low.length - resolved, failed: resolved }));
      expect(data.error).toBeUndefined();
      expect(data.matched).toBe(data.updated + data.failed);
      // Every matched id exactly once, in id order; the resolved ones refused with their status.
      expect(data.outcomes.map((o) => o.id)).toEqual(low.map((a) => a.id));
      expect(data.outcomes.filter((o) => o.outcome === 'invalid_transition').map((o) => o.id)).toEqual(
        low.filter((a) => a.status === 'resolved').map((a) => a.id),
      );
      expect(new Set(data.outcomes.filter((o) => o.outcome === 'invalid_transition').map((o) => o.status))).toEqual(new Set(['resolved']));
      expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, status: 'dismissed' } })).toBe(data.updated);
      expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, severity: 'high', status: 'dismissed' } })).toBe(0);
      expect(await world.prisma.auditEvent.count({ where: { tenantId: bulkTenant.id, action: 'alert.dismiss' } })).toBe(data.updated);
      const verify = await http<{ data: { valid: boolean } }>(api, 'GET', '/v1/audit-trail/verify', { headers: world.bearer(bulkTenant, ['audit:read']) });
      expect(verify.body.data.valid).toBe(true);
    });

    describe('when the database fails during the walk', () => {
      const suffix = Date.now().toString(36);
      const poison = `poison-${suffix}`;

      beforeAll(async () => {
        // A trigger that fails any update of the one alert titled `poison`: a database failure at a chosen chunk.
        await world.prisma.$executeRawUnsafe(
          `CREATE FUNCTION e2e_poison_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned alert'; END $$`,
        );
        await world.prisma.$executeRawUnsafe(
          `CREATE TRIGGER e2e_poison_${suffix} BEFORE UPDATE ON alerts FOR EACH ROW WHEN (OLD.title = '${poison}') EXECUTE FUNCTION e2e_poison_${suffix}()`,
        );
      });

      afterAll(async () => {
        await world.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS e2e_poison_${suffix} ON alerts`);
        await world.prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS e2e_poison_${suffix}()`);
      });

      /** `n` open alerts of a new tenant, the one at `poisonAt` (in id order) poisoned. */
      async function poisoned(n: number, poisonAt: number): Promise<{ tenant: Tenant; headers: Record<string, string>; ids: string[] }> {
        const bulkTenant = await world.tenant('Bulk failure');
        const start = Date.now();
        const rows = Array.from({ length: n }, (_, i) =>
          alertRow(bulkTenant.id, { createdAt: new Date(start + i), title: i === poisonAt ? poison : `fine ${i}` }),
        );
        await world.prisma.alert.createMany({ data: rows });
        return { tenant: bulkTenant, headers: world.bearer(bulkTenant, ['alerts:write'], 'bulker'), ids: rows.map((row) => row.id as string).sort() };
      }

      it('should end the streamed array with data.error when a later chunk fails, keeping the chunks done and changing nothing of the failed one', async () => {
        const { tenant: bulkTenant, headers, ids } = await poisoned(600, 599);
        const result = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter: {}, all: true }, headers });
        expect(result.status).toBe(200);
        const { data } = result.body;
        expect(data.outcomes.map((o) => o.id)).toEqual(ids.slice(0, 500));
        expect(data).toEqual(expect.objectContaining({ matched: 500, updated: 500, failed: 0 }));
        expect(data.error).toEqual(
          expect.objectContaining({ type: '/problems/internal-error', status: 500, code: 10000016, request_id: result.headers.get('x-request-id') }),
        );
        expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, status: 'acknowledged' } })).toBe(500);
        expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, status: 'open', id: { in: ids.slice(500) } } })).toBe(100);
        expect(await world.prisma.auditEvent.count({ where: { tenantId: bulkTenant.id, action: 'alert.acknowledge' } })).toBe(500);
      });

      it('should answer a 500 problem and change nothing when the first chunk fails', async () => {
        const { tenant: bulkTenant, headers } = await poisoned(20, 10);
        const result = await http(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter: {}, all: true }, headers });
        expect(result.status).toBe(500);
        expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(result.body).toEqual(expect.objectContaining({ type: '/problems/internal-error', code: 10000016 }));
        expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, status: 'open' } })).toBe(20);
        expect(await world.prisma.auditEvent.count({ where: { tenantId: bulkTenant.id } })).toBe(0);
      });
    });

    describe('bad bodies', () => {
      let badTenant: Tenant;
      let headers: Record<string, string>;
      let alertId: string;

      beforeAll(async () => {
        badTenant = await world.tenant('Bulk bad bodies');
        headers = world.bearer(badTenant, ['alerts:read', 'alerts:write'], 'bulker');
        alertId = (await world.prisma.alert.create({ data: alertRow(badTenant.id) })).id;
      });

      const manyIds = () => Array.from({ length: 1_001 }, (_, i) => `alr_${String(i).padStart(26, '0')}`);

      it.each([
        ['both ids and filter', () => ({ ids: [alertId], filter: { status: ['open'] } }), [['filter', 'invalid']]],
        [
          'both, with 1,001 ids (ids are validated whenever present)',
          () => ({ ids: manyIds(), filter: {} }),
          [
            ['ids', 'length'],
            ['filter', 'invalid'],
          ],
        ],
        [
          'both, with ids that are not strings',
          () => ({ ids: [1, { id: alertId }], filter: {} }),
          [
            ['ids', 'type'],
            ['filter', 'invalid'],
          ],
        ],
        ['neither ids nor filter', () => ({ note: 'nothing to act on' }), [['ids', 'required']]],
        ['ids and filter both null', () => ({ ids: null, filter: null }), [['ids', 'required']]],
        ['ids that are not strings', () => ({ ids: [42, null] }), [['ids', 'type']]],
        ['ids that are not an array', () => ({ ids: alertId }), [['ids', 'type']]],
        ['1,001 ids', () => ({ ids: manyIds() }), [['ids', 'length']]],
        ['an empty ids array', () => ({ ids: [] }), [['ids', 'length']]],
        ['malformed ids', () => ({ ids: [alertId, 'alr_nope'] }), [['ids', 'format']]],
        ['a filter that is an array', () => ({ filter: [] }), [['filter', 'type']]],
        ['a filter with a bad field', () => ({ filter: { severity: ['urgent'] } }), [['filter.severity', 'enum']]],
      ])('should answer 400 validation-error for %s and change nothing', async (_, body, expected) => {
        const result = await http<{ type: string; code: number; errors: { field: string; code: string }[] }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
          body: body(),
          headers,
        });
        expect(result.status).toBe(400);
        expect(result.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
        expect(result.body.errors.map((e) => [e.field, e.code])).toEqual(expected);
        expect(await world.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toEqual(expect.objectContaining({ status: 'open', version: 1 }));
        expect(await world.prisma.auditEvent.count({ where: { tenantId: badTenant.id } })).toBe(0);
      });

      it('should answer the pointer of each field and say which two fields collide', async () => {
        const result = await http<{ errors: { field: string; pointer: string; description: string }[] }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
          body: { ids: [alertId], filter: {} },
          headers,
        });
        expect(result.body.errors).toEqual([
          expect.objectContaining({ field: 'filter', pointer: '/body/filter', description: 'filter cannot be combined with ids: give exactly one of the two' }),
        ]);
        const neither = await http<{ errors: { pointer: string; description: string }[] }>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: {}, headers });
        expect(neither.body.errors).toEqual([
          expect.objectContaining({ pointer: '/body/ids', description: 'ids is required; give ids (1 to 1,000 alert ids) or a filter' }),
        ]);
      });

      it('should take ids with a null filter, and refuse an unknown action', async () => {
        const result = await http<{ data: { outcomes: { id: string; outcome: string }[] } }>(api, 'POST', '/v1/alerts/bulk/escalate', {
          body: { ids: [alertId], filter: null },
          headers,
        });
        expect(result.status).toBe(200);
        expect(result.body.data.outcomes).toEqual([expect.objectContaining({ id: alertId, outcome: 'updated' })]);
        const unknown = await http<{ type: string; code: number; errors: { field: string; code: string }[] }>(api, 'POST', '/v1/alerts/bulk/explode', {
          body: { ids: [alertId] },
          headers,
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
        expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'action', code: 'enum' })]);
      });
    });
  });

  describe('system history (seed 002)', () => {
    let headers: Record<string, string>;
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 12, 7, minute));

    beforeAll(async () => {
      const sys = await world.tenant('Systems');
      headers = world.bearer(sys, ['alerts:read']);
      await world.prisma.alert.createMany({
        data: [
          alertRow(sys.id, { systemKey: 'NETH-1', alertname: 'HistFlowTest', severity: 'critical', status: 'resolved', createdAt: at(10) }),
          alertRow(sys.id, { systemKey: 'NETH-1', alertname: 'PlainBodyTest', severity: 'critical', status: 'resolved', createdAt: at(30) }),
          alertRow(sys.id, { systemKey: 'NETH-1', alertname: 'DiskWarn', severity: 'medium', status: 'open', createdAt: at(20) }),
          alertRow(sys.id, { systemKey: 'NETH-2', alertname: 'HistFlowTest', severity: 'critical', status: 'resolved', createdAt: at(40) }),
        ],
      });
    });

    type History = List & { pagination: { sort_by: string; sort_direction: string; page: number; page_size: number } };
    const history = (query = '') => http<History>(api, 'GET', `/v1/systems/NETH-1/alerts/history${query}`, { headers });

    it('should answer the system’s alerts newest first by default, with the total and its paging', async () => {
      const result = await history();
      expect(result.status).toBe(200);
      expect(result.body.items.map((a) => a.alertname)).toEqual(['PlainBodyTest', 'DiskWarn', 'HistFlowTest']);
      expect(result.body.total).toBe(3);
      expect(result.body.pagination).toEqual(expect.objectContaining({ sort_by: 'created_at', sort_direction: 'desc', page: 1, page_size: 20 }));
    });

    it('should sort, filter by alertname and severity (any case), and answer an unknown system with an empty page', async () => {
      const sorted = await history('?sort_by=alertname&sort_direction=asc');
      expect(sorted.body.items.map((a) => a.alertname)).toEqual(['DiskWarn', 'HistFlowTest', 'PlainBodyTest']);
      expect((await history('?alertname=PlainBodyTest')).body.items.map((a) => a.alertname)).toEqual(['PlainBodyTest']);
      expect((await history('?severity=Critical&sort_direction=asc')).body.items.map((a) => a.alertname)).toEqual(['HistFlowTest', 'PlainBodyTest']);
      expect((await history('?from_date=2026-05-12T07:20:00Z&to_date=2026-05-12T07:30:00Z')).body.items.map((a) => a.alertname)).toEqual(['DiskWarn']);
      const unknown = await http<History>(api, 'GET', '/v1/systems/NO-SUCH-SYSTEM/alerts/history', { headers });
      expect(unknown.status).toBe(200);
      expect(unknown.body).toEqual(expect.objectContaining({ items: [], total: 0 }));
    });

    it.each([
      ['sort_by=colour', 'sort_by', 'enum'],
      ['sort_by=title', 'sort_by', 'enum'],
      ['sort_direction=sideways', 'sort_direction', 'enum'],
      ['from_date=2026-13-01T00:00:00Z', 'from_date', 'format'],
      ['from_date=yesterday', 'from_date', 'format'],
      ['from_date=2026-05-12T00:00:00Z&to_date=2026-05-12T00:00:00Z', 'to_date', 'range'],
      ['from_date=2026-05-12T00:00:00Z&to_date=2026-05-11T00:00:00Z', 'to_date', 'range'],
      ['severity=urgent', 'severity', 'enum'],
      ['severity=warning', 'severity', 'enum'],
      ['status=inactive', 'status', 'enum'],
      ['page=0', 'page', 'range'],
      ['page_size=201', 'page_size', 'range'],
    ])('should answer 400 validation-error for %s', async (query, field, code) => {
      expectQueryViolation(await history(`?${query}`), field, code);
    });
  });
});
