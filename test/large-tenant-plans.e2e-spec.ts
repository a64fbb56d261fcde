import { Pool } from 'pg';

import { alertByIdSql, AlertFilterDto, alertWhere, countUpToSql, lockBulkChunkSql, sqlFilter } from '@app/alerts';
import { EXACT_TOTAL_UP_TO } from '@app/common';
import { oneTenant, PG_TYPES, PlainSql, Prisma, Tenant } from '@app/database';
import { identitiesSql, updateSql } from '@app/ingest';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
};
type List = {
  items: unknown[];
  total: number | null;
  total_is_estimate: boolean;
  pagination: { total: number | null; total_is_estimate: boolean; total_pages: number | null };
};

const BIG = 50_000;
const FRESH = 20_000;

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Whether a plan node reads alerts: the table, or one of its monthly partitions (prisma/sql/partitions.sql). */
function readsAlerts(node: PlanNode): boolean {
  return /^alerts(_\d{4}_\d{2}|_default)?$/.test(node['Relation Name'] ?? '');
}

/** How the plan reads the alerts table: each scan's node type and index (a partition's index named as the table's). */
function alertReads(plan: PlanNode): string[] {
  return nodes(plan)
    .filter((node) => readsAlerts(node) && node['Node Type'] !== 'ModifyTable')
    .map((node) => `${node['Node Type']} ${(node['Index Name'] ?? '').replace(/^alerts_(\d{4}_\d{2}|default)_/, 'alerts_')}`.trim());
}

/**
 * The statements that find alerts by id keep reading them by primary key in a large tenant, and in a
 * tenant newer than the table's statistics (estimated at one row, which once made the planner walk all
 * its rows); the list's default total stays an estimate or a bounded count (issue 25).
 */
describe('plans in a large tenant', () => {
  let api: TestApi;
  let pool: Pool;
  const world = new World();
  let big: Tenant;
  let fresh: Tenant;

  const explain = async (query: Prisma.Sql, analyze = false): Promise<PlanNode> => {
    const { rows } = await pool.query(`EXPLAIN (FORMAT JSON${analyze ? ', ANALYZE' : ''}) ${query.text}`, query.values);
    return rows[0]['QUERY PLAN'][0].Plan as PlanNode;
  };
  const insertAlerts = (tenant: Tenant, count: number) =>
    pool.query(
      `INSERT INTO alerts (id, tenant_id, type, source, title, severity, status, alertable_type, fingerprint, starts_at, created_at, updated_at)
       SELECT 'alr_' || ulid_time(at) || $2 || lpad(g::text, 8, '0'), $1, 'intrusion', 'ids-suricata', 'A' || g,
              (ARRAY['info', 'low', 'medium', 'high', 'critical'])[1 + g % 5]::alert_severity,
              (ARRAY['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'])[1 + (g / 5) % 5]::alert_status,
              'external', md5(g::text), at, at, at
         FROM generate_series(1, $3::int) g, LATERAL (SELECT date_trunc('milliseconds', now()) - g * interval '1 second' AS at) t`,
      [tenant.id, tenant.id.slice(-8), count],
    );
  const sample = async (tenant: Tenant) =>
    (
      await pool.query<{ id: string; status: string; version: number }>(
        'SELECT id, status::text AS status, version FROM alerts WHERE tenant_id = $1 ORDER BY id LIMIT 3 OFFSET 1000',
        [tenant.id],
      )
    ).rows;
  const list = (tenant: Tenant, query: string) => http<List>(api, 'GET', `/v1/alerts?${query}`, { headers: world.bearer(tenant, ['alerts:read']) });

  beforeAll(async () => {
    api = await startApi();
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2, types: PG_TYPES });
    big = await world.tenant('Large');
    fresh = await world.tenant('Fresh');
    await insertAlerts(big, BIG);
    await pool.query('ANALYZE alerts, alert_identities');
    // After the ANALYZE: the statistics do not know this tenant (until autovacuum next analyses the tables).
    await insertAlerts(fresh, FRESH);
  });

  afterAll(async () => {
    await pool.end();
    await world.close();
    await api.close();
  });

  it.each([
    ['a large tenant', () => big],
    ['a tenant newer than the statistics', () => fresh],
  ])('should lock and update the alerts an Alertmanager payload changes by primary key in %s', async (_, tenant) => {
    const rows = (await sample(tenant())).map((alert) => ({
      id: alert.id,
      read_status: alert.status,
      read_version: alert.version,
      title: 't',
      message: null,
      severity: 'high',
      receiver: 'r',
      source: 's',
      generator_url: null,
      labels: {},
      annotations: {},
      resolve: true,
      resolved_at: new Date().toISOString(),
    }));
    const reads = alertReads(await explain(updateSql(tenant().id, new Date(), rows)));
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads)).toEqual(new Set(['Index Scan alerts_pkey']));
  });

  it.each([
    ['a large tenant', () => big],
    ['a tenant newer than the statistics', () => fresh],
  ])('should lock a bulk chunk by primary key in %s', async (_, tenant) => {
    const ids = (await sample(tenant())).map((alert) => alert.id);
    expect(alertReads(await explain(lockBulkChunkSql(ids, oneTenant(tenant().id))))).toEqual(['Index Scan alerts_pkey']);
  });

  it.each([
    ['a large tenant', () => big],
    ['a tenant newer than the statistics', () => fresh],
  ])('should read an alert of %s by primary key', async (_, tenant) => {
    const [alert] = await sample(tenant());
    expect(alertReads(await explain(alertByIdSql(alert.id, oneTenant(tenant().id))))).toEqual(['Index Scan alerts_pkey']);
  });

  it.each([
    ['a large tenant', () => big],
    ['a tenant newer than the statistics', () => fresh],
  ])('should look an Alertmanager payload’s identities up by primary key, one probe a key, in %s', async (_, tenant) => {
    const { rows: keys } = await pool.query<{ fingerprint: string; startsAt: Date }>(
      'SELECT fingerprint, starts_at AS "startsAt" FROM alert_identities WHERE tenant_id = $1 ORDER BY fingerprint LIMIT 100',
      [tenant().id],
    );
    expect(keys).toHaveLength(100);
    const reads = nodes(await explain(identitiesSql(tenant().id, keys))).filter((node) => node['Relation Name'] === 'alert_identities');
    // Not the tenant's whole range of identities read and then joined to the keys (its literal once made a new
    // tenant look like one identity): the primary key probed with all three of its columns.
    expect(reads.map((node) => node['Index Name'])).toEqual(['alert_identities_pkey']);
    expect(reads[0]['Index Cond']).toMatch(/fingerprint.*starts_at/);
  });

  it('should count a large tenant through an index alone while it has no suppressed or shelved alert, and keep the defaults once it has', async () => {
    const plain = { read: async <R>(query: Prisma.Sql) => (await pool.query(query.text, query.values)).rows as R[] } as unknown as PlainSql;
    const scope = oneTenant(big.id);
    // Without either condition the counts need no column outside the (tenant, severity, …) index: an index-only
    // scan on a vacuumed table (docs/BENCHMARKS.md measures it); with one, every row is read from the heap.
    const whereOf = async (filter: AlertFilterDto, tenant = scope) => alertWhere(await sqlFilter(plain, filter, tenant), tenant).text;
    const listDefault: AlertFilterDto = { shelved: 'false' };
    expect(await sqlFilter(plain, listDefault, scope)).toEqual({ shelved: 'any', suppressed: 'any' });
    expect(await whereOf(listDefault)).not.toMatch(/maintenance_window_id|shelved_until/);

    const [first, second] = await sample(big);
    await pool.query(`UPDATE alerts SET maintenance_window_id = 'mnt_PLANS' WHERE id = $1`, [first.id]);
    await pool.query(`UPDATE alerts SET shelved_until = now() + interval '1 hour' WHERE id = $1`, [second.id]);
    try {
      expect(await sqlFilter(plain, listDefault, scope)).toEqual({ shelved: 'false' });
      expect(await whereOf(listDefault)).toEqual(expect.stringMatching(/shelved_until <= now\(\).*maintenance_window_id IS NULL/));
      expect(await sqlFilter(plain, {}, oneTenant(fresh.id))).toEqual({ suppressed: 'any' });
    } finally {
      await pool.query(`UPDATE alerts SET maintenance_window_id = NULL, shelved_until = NULL WHERE id = ANY($1)`, [[first.id, second.id]]);
    }
  });

  it('should answer the default offset total of a large filter as an estimate, and the exact count when asked', async () => {
    const exact = BIG / 25; // one severity of five and one status of five, independent
    const estimated = await list(big, 'severity=high&status=open');
    expect(estimated.status).toBe(200);
    expect(estimated.body).toEqual(expect.objectContaining({ total_is_estimate: true, pagination: expect.objectContaining({ total_is_estimate: true }) }));
    expect(estimated.body.total).toBeGreaterThan(exact / 2);
    expect(estimated.body.total).toBeLessThan(exact * 2);
    expect(estimated.body.pagination.total_pages).toBe(Math.ceil((estimated.body.total as number) / 20));

    const counted = await list(big, 'severity=high&status=open&include_total=true');
    expect([counted.body.total, counted.body.total_is_estimate, counted.body.pagination.total_is_estimate]).toEqual([exact, false, false]);
    const none = await list(big, 'severity=high&status=open&include_total=false');
    expect([none.body.total, none.body.total_is_estimate]).toEqual([null, false]);
  });

  it('should document total_is_estimate and the default total in the OpenAPI document', async () => {
    type Schema = { required?: string[]; properties: Record<string, { type?: string; description?: string }> };
    type Doc = {
      paths: Record<
        string,
        { get: { parameters: { name: string; description?: string }[]; responses: Record<string, { content: Record<string, { schema: Schema }> }> } }
      >;
      components: { schemas: Record<string, Schema> };
    };
    const doc = (await http<Doc>(api, 'GET', '/openapi.json')).body;
    const page = doc.paths['/v1/alerts'].get.responses['200'].content['application/json'].schema;
    expect(page.required).toContain('total_is_estimate');
    expect(page.properties.total_is_estimate).toEqual(expect.objectContaining({ type: 'boolean', description: expect.stringContaining('estimate') }));
    expect(doc.components.schemas.PaginationSchema.properties.total_is_estimate).toEqual(expect.objectContaining({ type: 'boolean' }));
    const includeTotal = doc.paths['/v1/alerts'].get.parameters.find((parameter) => parameter.name === 'include_total');
    expect(includeTotal?.description).toContain('estimate');
  });

  it('should count the default total exactly when the filter matches at most 1,000 alerts, whatever the estimate', async () => {
    const small = await list(fresh, 'severity=high&status=open');
    expect([small.body.total, small.body.total_is_estimate]).toEqual([FRESH / 25, false]);
    // Estimated at one row while the statistics do not know the tenant: the bounded count says there are more.
    const all = await list(fresh, '');
    expect(all.body.total_is_estimate).toBe(true);
    expect(all.body.total).toBeGreaterThan(EXACT_TOTAL_UP_TO);
  });

  it.each([
    ['no filter', {}],
    ['a severity and status filter', { severity: ['high'], status: ['open'] }],
  ])('should stop the bounded count of a large tenant after 1,001 alerts with %s', async (_, filter) => {
    const plan = await explain(countUpToSql(filter as AlertFilterDto, oneTenant(big.id), EXACT_TOTAL_UP_TO + 1), true);
    expect(nodes(plan).find((node) => node['Node Type'] === 'Limit')?.['Actual Rows']).toBe(EXACT_TOTAL_UP_TO + 1);
    // Every read of alert rows stops there. A partition may be read through a bitmap, whose index scan
    // collects the partition's matching entries first: the planner gives each partition of an unordered
    // Append its cheapest plan for all its rows, not for the first ones (docs/ARCHITECTURE.md, "Monthly
    // partitions"). The heap is read only up to the limit all the same.
    const scanned = nodes(plan).filter(readsAlerts);
    expect(scanned.length).toBeGreaterThan(0);
    for (const node of scanned) expect(node['Actual Rows']).toBeLessThanOrEqual(EXACT_TOTAL_UP_TO + 1);
  });
});
