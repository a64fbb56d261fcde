import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { alertRow, World } from './utils/world';

const run = promisify(execFile);

interface Problem {
  type: string;
  status: number;
  code: number;
  errors: { field: string; pointer: string; code: string; description: string }[];
}
interface AlertPage {
  items: { id: string }[];
  pagination: { next_cursor: string | null };
}
interface Bulk {
  data: { action: string; dry_run: boolean; outcomes: { id: string; outcome: string }[]; matched: number; updated: number; failed: number };
}

/** The smaller edges of the HTTP contract (issue 15's "Smaller" findings, issue 24's widened bulk filter). */
describe('request edges', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let reader: Record<string, string>;
  let writer: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Edges');
    other = await world.tenant('Edges other');
    reader = world.bearer(tenant, ['alerts:read', 'audit:read', 'cases:read'], 'edge-reader');
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write'], 'edge-writer');
    const start = Date.now() - 60_000;
    const severities = ['critical', 'high', 'low', 'high', 'critical', 'high', 'medium'] as const;
    await world.prisma.alert.createMany({ data: severities.map((severity, i) => alertRow(tenant.id, { severity, createdAt: new Date(start + i * 1000) })) });
    await world.prisma.alert.createMany({ data: [alertRow(other.id, { severity: 'high' }), alertRow(other.id, { severity: 'critical' })] });
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const problem = (result: { body: unknown }) => result.body as Problem;

  it('should continue a cursor when a multi-value filter lists its values in another order or twice', async () => {
    const first = await http<AlertPage>(api, 'GET', '/v1/alerts?severity=high,critical&pagination=cursor&page_size=2', { headers: reader });
    expect(first.status).toBe(200);
    const cursor = encodeURIComponent(first.body.pagination.next_cursor as string);
    const same = await http<AlertPage>(api, 'GET', `/v1/alerts?severity=high,critical&page_size=2&cursor=${cursor}`, { headers: reader });
    const reordered = await http<AlertPage>(api, 'GET', `/v1/alerts?severity=critical,high&page_size=2&cursor=${cursor}`, { headers: reader });
    const repeated = await http<AlertPage>(api, 'GET', `/v1/alerts?severity=critical&severity=HIGH&severity=critical&page_size=2&cursor=${cursor}`, {
      headers: reader,
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.items.map((a) => a.id)).toEqual(same.body.items.map((a) => a.id));
    expect(repeated.body.items.map((a) => a.id)).toEqual(same.body.items.map((a) => a.id));
    const narrower = await http(api, 'GET', `/v1/alerts?severity=critical&page_size=2&cursor=${cursor}`, { headers: reader });
    expect(problem(narrower).type).toBe('/problems/invalid-cursor');
  });

  describe('If-Match', () => {
    it('should refuse an unquoted version with 400 naming the header, and change nothing', async () => {
      const alert = await world.prisma.alert.create({ data: alertRow(tenant.id, { severity: 'low' }) });
      const result = await http(api, 'POST', `/v1/alerts/${alert.id}/acknowledge`, { body: {}, headers: { ...writer, 'if-match': '1' } });
      expect(result.status).toBe(400);
      expect(problem(result)).toEqual(expect.objectContaining({ type: '/problems/validation-error' }));
      expect(problem(result).errors).toEqual([
        expect.objectContaining({ field: 'If-Match', pointer: '/headers/if-match', code: 'format', description: expect.stringContaining('"5"') }),
      ]);
      expect(await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toEqual(expect.objectContaining({ status: 'open', version: 1 }));
      const quoted = await http(api, 'POST', `/v1/alerts/${alert.id}/acknowledge`, { body: {}, headers: { ...writer, 'if-match': '"1"' } });
      expect(quoted.status).toBe(200);
      expect(quoted.headers.get('etag')).toBe('"2"');
      const stale = await http(api, 'PUT', `/v1/alerts/${alert.id}/assignee`, { body: { assignee: 'x' }, headers: { ...writer, 'if-match': 'W/"1", "1"' } });
      expect(stale.status).toBe(412);
    });
  });

  describe('query parameters of operations that take none', () => {
    let alertId: string;

    beforeAll(async () => {
      alertId = (await world.prisma.alert.create({ data: alertRow(tenant.id, { alertableType: 'event', alertableId: 'edge-event-1' }) })).id;
    });

    it.each([
      ['the detail', 'GET', () => `/v1/alerts/${alertId}?verbose=true`, undefined],
      ['by-alertable', 'GET', () => '/v1/alerts/by-alertable/event/edge-event-1?tenant=x', undefined],
      ['the timeline', 'GET', () => `/v1/alerts/${alertId}/timeline?page=2`, undefined],
      ['the follow-up', 'PATCH', () => `/v1/alerts/${alertId}/follow-up-status?force=1`, { follow_up_status: 'followed_up' }],
      ['a lifecycle action', 'POST', () => `/v1/alerts/${alertId}/escalate?dry_run=true`, {}],
      ['a tenant', 'GET', () => `/v1/tenants/${tenant.id}?expand=all`, undefined],
    ])('should refuse an unknown query parameter on %s with 400 and change nothing', async (_, method, path, body) => {
      const result = await http(api, method, path(), { body, headers: world.bearer(tenant, ['alerts:read', 'alerts:write'], 'edge-writer') });
      expect(result.status).toBe(400);
      const name = new URL(path(), 'http://x').searchParams.keys().next().value as string;
      expect(problem(result).errors).toEqual([expect.objectContaining({ field: name, pointer: `/query/${name}`, code: 'unknown' })]);
      expect(await world.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toEqual(
        expect.objectContaining({ status: 'open', version: 1, followUpStatus: 'not_followed_up' }),
      );
    });

    it('should authenticate before judging the query, and answer operations without a query as before', async () => {
      expect((await http(api, 'GET', `/v1/alerts/${alertId}?verbose=true`)).status).toBe(401);
      expect((await http(api, 'GET', '/health/live?probe=1')).status).toBe(400);
      expect((await http(api, 'GET', `/v1/alerts/${alertId}`, { headers: reader })).status).toBe(200);
      expect((await http(api, 'GET', '/health/live')).status).toBe(200);
    });
  });

  describe('translated field errors', () => {
    it.each([
      [
        'id',
        'harus salah satu dari: info, low, medium, high, critical',
        'harus maksimal 200',
        'paling banyak 500 karakter',
        'harus minimal 1',
        'paling banyak 2000 karakter',
      ],
      [
        'ko',
        '다음 중 하나여야 합니다: info, low, medium, high, critical',
        '200 이하여야 합니다',
        '500자 이하여야 합니다',
        '1 이상이어야 합니다',
        '2000자 이하여야 합니다',
      ],
      ['zh', '必须是以下值之一：info, low, medium, high, critical', '不能大于 200', '最多 500 个字符', '不能小于 1', '最多 2000 个字符'],
    ])('should keep the allowed values and limits in %s', async (language, allowed, maxPage, maxTitle, minPage, maxLabel) => {
      const headers = { ...writer, 'accept-language': language };
      const described = (result: { body: unknown }, field: string) => problem(result).errors.find((e) => e.field === field)?.description;
      const list = await http(api, 'GET', '/v1/alerts?severity=urgent&page_size=500', { headers });
      expect(list.headers.get('content-language')).toBe(language);
      expect(described(list, 'severity')).toContain(allowed);
      expect(described(list, 'page_size')).toContain(maxPage);
      expect(described(await http(api, 'GET', '/v1/alerts?page_size=0', { headers }), 'page_size')).toContain(minPage);
      const alert = { type: 'intrusion', source: 'ids', title: 't', severity: 'high' };
      expect(described(await http(api, 'POST', '/v1/alerts', { body: { ...alert, title: 'x'.repeat(501) }, headers }), 'title')).toContain(maxTitle);
      expect(described(await http(api, 'POST', '/v1/alerts', { body: { ...alert, labels: { a: 'v'.repeat(2_001) } }, headers }), 'labels.a')).toContain(
        maxLabel,
      );
    });
  });

  describe('tenant_id from a tenant principal', () => {
    it.each([
      ['the alert list', () => `/v1/alerts?tenant_id=${other.id}`],
      ['statistics', () => `/v1/alerts/stats/severity?tenant_id=${other.id}`],
      ['the audit trail', () => `/v1/audit-trail?tenant_id=${other.id}`],
      ['the audit trail verification', () => `/v1/audit-trail/verify?tenant_id=${other.id}`],
      ['threat cases', () => `/v1/threat-cases?tenant_id=${other.id}`],
      ['its own tenant, too', () => `/v1/alerts?tenant_id=${tenant.id}`],
    ])('should refuse it on %s with 400 naming tenant_id', async (_, path) => {
      const result = await http(api, 'GET', path(), { headers: reader });
      expect(result.status).toBe(400);
      expect(problem(result).errors).toEqual([expect.objectContaining({ field: 'tenant_id', pointer: '/query/tenant_id', code: 'unknown' })]);
    });

    it('should refuse it in a bulk filter with 400 and change nothing (it once dismissed the caller’s own alerts)', async () => {
      const before = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id },
        select: { id: true, status: true, version: true },
        orderBy: { id: 'asc' },
      });
      const result = await http(api, 'POST', '/v1/alerts/bulk/dismiss', { body: { filter: { tenant_id: other.id }, note: 'sneaky' }, headers: writer });
      expect(result.status).toBe(400);
      expect(problem(result).errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'filter.tenant_id', pointer: '/body/filter/tenant_id', code: 'unknown' })]),
      );
      expect(
        await world.prisma.alert.findMany({ where: { tenantId: tenant.id }, select: { id: true, status: true, version: true }, orderBy: { id: 'asc' } }),
      ).toEqual(before);
      expect(await world.prisma.alert.count({ where: { tenantId: other.id, status: 'dismissed' } })).toBe(0);
    });

    it('should still let an admin narrow to one tenant', async () => {
      const admin = await world.admin();
      const list = await http<AlertPage>(api, 'GET', `/v1/alerts?tenant_id=${other.id}`, { headers: admin });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      const dry = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/dismiss', {
        body: { filter: { tenant_id: other.id }, all: true, dry_run: true },
        headers: admin,
      });
      expect(dry.body.data).toEqual(expect.objectContaining({ dry_run: true, matched: 2, updated: 0, outcomes: [] }));
    });
  });

  describe('bulk actions by filter', () => {
    let bulkTenant: Tenant;
    let headers: Record<string, string>;

    beforeAll(async () => {
      bulkTenant = await world.tenant('Bulk edges');
      headers = world.bearer(bulkTenant, ['alerts:read', 'alerts:write'], 'bulker');
      await world.prisma.alert.createMany({
        data: ['low', 'low', 'info', 'medium'].map((severity) => alertRow(bulkTenant.id, { severity: severity as 'low' })),
      });
    });

    const unchanged = async () => {
      expect(await world.prisma.alert.count({ where: { tenantId: bulkTenant.id, status: 'open', version: 1 } })).toBe(4);
      expect(await world.prisma.auditEvent.count({ where: { tenantId: bulkTenant.id } })).toBe(0);
    };

    it('should answer the count of a dry run and change nothing', async () => {
      const result = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter: { severity: ['low', 'info'] }, dry_run: true }, headers });
      expect(result.status).toBe(200);
      expect(result.body.data).toEqual({ action: 'acknowledge', dry_run: true, outcomes: [], matched: 3, updated: 0, failed: 0, next_after: null });
      await unchanged();
    });

    it('should refuse an empty filter without "all": true, and take it with it', async () => {
      for (const filter of [{}, { timezone: 'Asia/Jakarta' }, { type: [] }, { q: '' }, { source: '' }, { alertable_id: '' }]) {
        const refused = await http(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter }, headers });
        expect(refused.status).toBe(400);
        expect(problem(refused).errors).toEqual([
          expect.objectContaining({ field: 'filter', pointer: '/body/filter', code: 'invalid', description: expect.stringContaining('"all": true') }),
        ]);
      }
      await unchanged();
      const dry = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter: {}, all: true, dry_run: true }, headers });
      expect(dry.body.data).toEqual(expect.objectContaining({ dry_run: true, matched: 4 }));
      await unchanged();
      const withIds = await http(api, 'POST', '/v1/alerts/bulk/acknowledge', {
        body: { ids: [(await world.prisma.alert.findFirstOrThrow({ where: { tenantId: bulkTenant.id } })).id], all: true },
        headers,
      });
      expect(problem(withIds).errors).toEqual([expect.objectContaining({ field: 'all', code: 'invalid' })]);
      const done = await http<Bulk>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { filter: {}, all: true }, headers });
      expect(done.body.data).toEqual(expect.objectContaining({ dry_run: false, matched: 4, updated: 4 }));
    });

    it('should act on at most 10,000 alerts a request and go on from next_after, each alert once', async () => {
      const many = await world.tenant('Bulk beyond the cap');
      const manyHeaders = world.bearer(many, ['alerts:write'], 'bulker');
      await world.prisma.alert.createMany({ data: Array.from({ length: 10_003 }, () => alertRow(many.id, { severity: 'low' })) });
      await world.prisma.alert.create({ data: alertRow(many.id, { severity: 'high' }) });
      const ids = (await world.prisma.alert.findMany({ where: { tenantId: many.id, severity: 'low' }, select: { id: true }, orderBy: { id: 'asc' } })).map(
        (a) => a.id,
      );
      const body = { filter: { severity: ['low'] } };
      const dry = (
        await http<Bulk & { data: { next_after: string | null } }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
          body: { ...body, dry_run: true },
          headers: manyHeaders,
        })
      ).body.data;
      expect(dry).toEqual(expect.objectContaining({ dry_run: true, matched: 10_000, next_after: ids[9_999], outcomes: [] }));
      const dryRest = (
        await http<Bulk & { data: { next_after: string | null } }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
          body: { ...body, dry_run: true, after: ids[9_999] },
          headers: manyHeaders,
        })
      ).body.data;
      expect(dryRest).toEqual(expect.objectContaining({ matched: 3, next_after: null }));
      expect(await world.prisma.alert.count({ where: { tenantId: many.id, status: 'acknowledged' } })).toBe(0);
      const first = (await http<Bulk & { data: { next_after: string | null } }>(api, 'POST', '/v1/alerts/bulk/acknowledge', { body, headers: manyHeaders }))
        .body.data;
      expect(first).toEqual(expect.objectContaining({ matched: 10_000, updated: 10_000, failed: 0, next_after: ids[9_999] }));
      expect(first.outcomes.map((o) => o.id)).toEqual(ids.slice(0, 10_000));
      expect(await world.prisma.alert.count({ where: { tenantId: many.id, status: 'acknowledged' } })).toBe(10_000);
      const rest = (
        await http<Bulk & { data: { next_after: string | null } }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
          body: { ...body, after: first.next_after },
          headers: manyHeaders,
        })
      ).body.data;
      expect(rest).toEqual(expect.objectContaining({ matched: 3, updated: 3, next_after: null }));
      expect(rest.outcomes.map((o) => o.id)).toEqual(ids.slice(10_000));
      expect(await world.prisma.alert.count({ where: { tenantId: many.id, status: 'acknowledged' } })).toBe(10_003);
      const withIds = await http(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { ids: [ids[0]], after: ids[0] }, headers: manyHeaders });
      expect(problem(withIds).errors).toEqual([expect.objectContaining({ field: 'after', code: 'invalid' })]);
      const notAnId = await http(api, 'POST', '/v1/alerts/bulk/acknowledge', { body: { ...body, after: "x' OR 1=1" }, headers: manyHeaders });
      expect(problem(notAnId).errors).toEqual([expect.objectContaining({ field: 'after' })]);
    }, 120_000);

    it('should document dry_run and all in the OpenAPI document', async () => {
      const doc = (
        await http<{ components: { schemas: Record<string, { properties: Record<string, { type?: string; description?: string }> }> } }>(
          api,
          'GET',
          '/openapi.json',
        )
      ).body;
      const body = doc.components.schemas.BulkActionDto.properties;
      expect(body.dry_run).toEqual(expect.objectContaining({ type: 'boolean', description: expect.stringContaining('changes nothing') }));
      expect(body.all).toEqual(expect.objectContaining({ type: 'boolean' }));
      expect(doc.components.schemas.BulkResultDto.properties.dry_run).toEqual(expect.objectContaining({ type: 'boolean' }));
    });
  });

  describe('operator scripts', () => {
    const env = { ...process.env };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env });

    it('should create a tenant from the CLI, again without change, and refuse a bad or conflicting one', async () => {
      const slug = `cli-${Date.now().toString(36)}`;
      const created = await cli('tenants', 'create', '--slug', slug, '--name', 'Acme SecOps');
      const stored = await world.prisma.tenant.findUniqueOrThrow({ where: { slug } });
      expect(created.stdout).toContain(stored.id);
      expect(stored.name).toBe('Acme SecOps');
      expect(await world.prisma.auditEvent.findMany({ where: { tenantId: stored.id }, select: { actor: true, action: true } })).toEqual([
        { actor: 'cli', action: 'tenant.create' },
      ]);
      const again = await cli('tenants', 'create', '--slug', slug, '--name', 'Acme SecOps');
      expect(again.stdout).toContain(`exists: ${stored.id}`);
      expect(await world.prisma.tenant.count({ where: { slug } })).toBe(1);
      await expect(cli('tenants', 'create', '--slug', slug, '--name', 'Another name')).rejects.toMatchObject({ code: 65 });
      const invalid = (await cli('tenants', 'create', '--slug', 'Not A Slug', '--name', '   ', '--id', 'acme').catch((error: unknown) => error)) as {
        code: number;
        stderr: string;
      };
      expect(invalid.code).toBe(64);
      for (const flag of ['--slug: ', '--name: ', '--id: ']) expect(invalid.stderr).toContain(flag);
      expect(await world.prisma.tenant.count({ where: { name: 'Another name' } })).toBe(0);
      expect((await cli('tenants', 'list')).stdout).toContain(`${stored.id}\t${slug}\tAcme SecOps`);
    });

    it('should install no Debian package when nothing is missing, and name only what is', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bootstrap-'));
      try {
        const log = join(dir, 'apt.log');
        // A stand-in apt-get that records its arguments: the test never installs anything.
        await writeFile(join(dir, 'apt-get'), `#!/bin/sh\necho "$@" >> ${log}\n`);
        await chmod(join(dir, 'apt-get'), 0o755);
        const bootstrap = (extra: Record<string, string>) =>
          run('bash', ['scripts/bootstrap.sh'], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...extra } });
        const clean = await bootstrap({});
        expect(clean.stdout + clean.stderr).not.toContain('missing');
        await expect(readFile(log, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
        const missing = await bootstrap({ CHROMIUM_PATH: join(dir, 'no-chromium') });
        expect(missing.stdout + missing.stderr).toMatch(/Debian packages: chromium$/m);
        if (process.getuid?.() === 0) {
          const calls = (await readFile(log, 'utf8')).trim().split('\n');
          expect(calls).toEqual(['-o DPkg::Lock::Timeout=600 update -qq', '-o DPkg::Lock::Timeout=600 install -y -qq chromium']);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
