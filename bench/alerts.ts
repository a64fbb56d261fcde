/**
 * Alert reads at 1,000,000 rows (issue 4): each through the whole HTTP stack and as the same SQL straight
 * through pg. Seeds `alert_ledger_bench` (1,000,000 alerts, 20 tenants) when it is not there yet.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fastJson from 'fast-json-stringify';
import { Pool } from 'pg';

import { alertWhere, AlertFilterDto } from '../libs/alerts/src';
import { mintDevToken } from '../libs/auth/src/hs256';
import { Prisma } from '../libs/database/src/generated/prisma/client';
import { PG_TYPES } from '../libs/database/src/pg-types';
import { oneTenant } from '../libs/database/src/tenant-scope';
import { applyMigrations } from '../libs/database/src/migrator/migrator';
import { seedDatabase } from '../libs/database/src/seed/seed-database';
import { waitForHttp } from '../scripts/wait-for-http';
import { load, LoadResult } from './load';
import { machine, writeSection } from './report';
import { sqlLoad, SqlQuery } from './sql-load';
import { BUILT_MAIN } from '../scripts/built-apps';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 1_000_000);
const TENANTS = 20;
const PORT = 3911;

/** A development token for a bench client: the api's HS256 secret, issuer and audience from the environment. */
export function benchToken(tenantId: string, scopes: string[], sub = 'bench'): string {
  return mintDevToken(process.env.JWT_SECRET as string, {
    sub,
    tenantId,
    scopes,
    issuer: process.env.JWT_ISSUER || null,
    audience: process.env.JWT_AUDIENCE || null,
  });
}

export function benchUrl(database = 'alert_ledger_bench'): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/alert_ledger');
  url.pathname = `/${database}`;
  return url.toString();
}

const SELECT_COLUMNS = 'a.*';

function sql(where: Prisma.Sql, tail: string): SqlQuery {
  const query = Prisma.sql`SELECT ${Prisma.raw(SELECT_COLUMNS)} FROM alerts a ${where} ${Prisma.raw(tail)}`;
  return { text: query.text, values: query.values };
}

/** Seeds the database of `url` with `alerts` over `tenants` unless its seeded tenants hold that many already. */
export async function ensureData(url: string, alerts = ALERTS, tenants = TENANTS): Promise<void> {
  await applyMigrations(url);
  const database = new URL(url).pathname.slice(1);
  const pool = new Pool({ connectionString: benchUrl('postgres'), max: 1 });
  const exists = (await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
  await pool.end();
  if (exists) {
    // The seeded tenants' alerts only: other suites add tenants of their own (and remove their alerts).
    const bench = new Pool({ connectionString: url, max: 1 });
    const count = Number(
      (await bench.query("SELECT count(*) AS n FROM alerts a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug LIKE 'demo-tenant-%'")).rows[0].n,
    );
    // A VACUUM that ran while another session held an old snapshot (a test run, say) leaves the
    // visibility map empty, and every count then reads the heap: do what autovacuum would do.
    const { rows } = await bench.query<{ visible: number }>(
      // Over its partitions: the partitioned table itself has no pages.
      `SELECT sum(c.relallvisible)::float / greatest(sum(c.relpages), 1) AS visible FROM pg_class c
        WHERE c.relname = 'alerts' OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'alerts'::regclass)`,
    );
    if (count === alerts && rows[0].visible < 0.9) await bench.query('VACUUM (ANALYZE) alerts');
    await bench.end();
    if (count === alerts) return;
  }
  await seedDatabase(url, { alerts, tenants, seed: 1, until: Date.UTC(2026, 10, 1) });
}

export async function startApi(url: string, port = PORT, overrides: Record<string, string> = {}): Promise<ChildProcess> {
  const env = {
    ...process.env,
    DATABASE_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    DATABASE_POOL_SIZE: '16',
    ...overrides,
  };
  // An api still answering on the port (one stopped a moment ago, not yet gone) would pass for this one.
  const earlier = await fetch(`http://127.0.0.1:${port}/health/live`).then(
    () => true,
    () => false,
  );
  if (earlier) throw new Error(`startApi: something already answers on port ${port}`);
  const child = spawn(process.execPath, [BUILT_MAIN.api], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, { child, name: 'api' });
    return child;
  } catch (error) {
    child.kill();
    throw error;
  }
}

/** Stops child processes (SIGTERM) and waits until each has exited, so that its port is free again. */
export async function stopProcesses(children: (ChildProcess | undefined)[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

const SPARSE_FIELDS = 'id,title,severity,status,created_at';

/** Requests/s of a bare Fastify route (bench/bare-route.ts) answering `body`, at the api cases' load. */
async function bareRouteLoad(body: Buffer): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  const file = join(dir, 'page.json');
  await writeFile(file, body);
  const child = fork('bench/bare-route.ts', [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port: number }) => resolve(message.port));
      child.once('exit', (code) => reject(new Error(`the bare route exited with ${code}`)));
    });
    await load(`http://127.0.0.1:${port}/`, { seconds: 2, connections: 16 });
    return await load(`http://127.0.0.1:${port}/`, { seconds: 10, connections: 16 });
  } finally {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

/** The OpenAPI schema of an operation's 200 JSON answer, with its references as fast-json-stringify reads them. */
function responseSchema(document: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }, path: string): object {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, key === '$ref' ? (value as string).replace('#/components/schemas/', '#/definitions/') : rewrite(value)]),
    );
  };
  const operation = document.paths[path].get as { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
  return { ...(rewrite(operation.responses['200'].content['application/json'].schema) as object), definitions: rewrite(document.components.schemas) };
}

/** Milliseconds per call of `serialise`, after as many calls to warm it up. */
function perCall(serialise: () => string, calls = 5_000): number {
  for (let i = 0; i < calls; i++) serialise();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) serialise();
  return Number(process.hrtime.bigint() - started) / 1e6 / calls;
}

/**
 * JSON.stringify of a list page beside fast-json-stringify compiled from the page's schema in the api's own
 * OpenAPI document (what Fastify's response schemas would do): ms per page, and whether the JSON is the same.
 */
function serialisers(schema: object, page: unknown): { json: number; compiled: number | null; same: string } {
  const compiled = fastJson(schema as Parameters<typeof fastJson>[0]);
  const json = perCall(() => JSON.stringify(page));
  try {
    const same = JSON.stringify(JSON.parse(compiled(page as never))) === JSON.stringify(page);
    return { json, compiled: perCall(() => compiled(page as never)), same: same ? 'yes' : 'no' };
  } catch (error) {
    // The document's `required` lists hold for the full item; a sparse page leaves such fields out.
    return { json, compiled: null, same: `refused: ${(error as Error).message}` };
  }
}

export interface Case {
  name: string;
  path: string;
  twin: () => SqlQuery[];
  explain?: SqlQuery;
}

/**
 * List cases (a)–(e) and (a) with `fields=`, on one tenant: the path through the api at `base` (walked to
 * page 1,000 for (b)) and the same statements straight through pg.
 */
export async function listCases(pool: Pool, tenant: string, base: string, headers: Record<string, string>): Promise<Case[]> {
  const until = new Date(Date.UTC(2026, 10, 1));
  const from = new Date(until.getTime() - 30 * 86_400_000);
  const filterA: AlertFilterDto = {
    severity: ['high', 'critical'],
    status: ['open', 'acknowledged'],
    created_from: from.toISOString(),
    created_to: until.toISOString(),
  };
  const whereA = alertWhere(filterA, oneTenant(tenant));
  const whereTenant = alertWhere({}, oneTenant(tenant));
  const whereQ = alertWhere({ q: 'kim.minjun' }, oneTenant(tenant));
  const order = 'ORDER BY a.created_at DESC, a.id DESC LIMIT 51';

  // (b): walk to page 1,000 of the tenant's list to get its cursor (and its keyset position for SQL)
  let cursorPath = '/v1/alerts?pagination=cursor&page_size=50';
  for (let page = 1; page < 1000; page++) {
    const body = (await (await fetch(`${base}${cursorPath}`, { headers })).json()) as { pagination: { next_cursor: string } };
    cursorPath = `/v1/alerts?page_size=50&cursor=${encodeURIComponent(body.pagination.next_cursor)}`;
  }
  const deep = (
    await pool.query<{ created_at: Date; id: string }>(
      `SELECT created_at, id FROM alerts WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC OFFSET 49949 LIMIT 1`,
      [tenant],
    )
  ).rows[0];
  const deepWhere = Prisma.sql`${whereTenant} AND (a.created_at, a.id) < (${deep.created_at}::timestamptz, ${deep.id})`;
  const detailId = (await pool.query<{ id: string }>('SELECT id FROM alerts WHERE tenant_id = $1 LIMIT 1 OFFSET 777', [tenant])).rows[0].id;
  const qs = new URLSearchParams({
    severity: 'high,critical',
    status: 'open,acknowledged',
    created_from: from.toISOString(),
    created_to: until.toISOString(),
    pagination: 'cursor',
    page_size: '50',
  });

  return [
    {
      name: '(a) first cursor page: tenant + severity + status + 30 days',
      path: `/v1/alerts?${qs}`,
      twin: () => [sql(whereA, order)],
      explain: sql(whereA, order),
    },
    { name: '(b) the tenant list 1,000 pages deep (cursor)', path: cursorPath, twin: () => [sql(deepWhere, order)], explain: sql(deepWhere, order) },
    {
      name: '(c) offset page 1 with include_total (tenant, 50,000 rows)',
      path: '/v1/alerts?page=1&page_size=50&include_total=true',
      twin: () => [sql(whereTenant, `${order} OFFSET 0`), { text: Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${whereTenant}`.text, values: [tenant] }],
      explain: { text: Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${whereTenant}`.text, values: [tenant] },
    },
    {
      name: '(d) q search (`kim.minjun`), first cursor page',
      path: '/v1/alerts?q=kim.minjun&page_size=50&pagination=cursor',
      twin: () => [sql(whereQ, order)],
      explain: sql(whereQ, order),
    },
    {
      // Issue 21: the same page with sparse fieldsets (the SQL reads the same rows).
      name: '(a) with `fields=id,title,severity,status,created_at`',
      path: `/v1/alerts?${qs}&fields=${SPARSE_FIELDS}`,
      twin: () => [sql(whereA, order)],
    },
    {
      name: '(e) detail read',
      path: `/v1/alerts/${detailId}`,
      twin: () => [{ text: 'SELECT * FROM alerts WHERE id = $1 AND tenant_id = $2', values: [detailId, tenant] }],
    },
  ];
}

export async function runAlerts(): Promise<void> {
  const url = benchUrl();
  await ensureData(url);
  // The twins parse rows with the api's own type parsers, so HTTP/SQL measures the HTTP stack alone.
  const pool = new Pool({ connectionString: url, max: 16, types: PG_TYPES });
  const tenant = (await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo-tenant-01'")).rows[0].id;
  const token = benchToken(tenant, ['alerts:read']);
  const headers = { authorization: `Bearer ${token}` };
  const api = await startApi(url);
  try {
    const cases = await listCases(pool, tenant, `http://127.0.0.1:${PORT}`, headers);
    const rows: string[] = [];
    const plans: string[] = [];
    const results: Record<string, { http: LoadResult; sql: LoadResult; alone: LoadResult }> = {};
    for (const c of cases) {
      await load(`http://127.0.0.1:${PORT}${c.path}`, { seconds: 2, headers, connections: 16 });
      const http = await load(`http://127.0.0.1:${PORT}${c.path}`, { seconds: 10, headers, connections: 16 });
      const straight = await sqlLoad(pool, c.twin, { seconds: 10, connections: 16 });
      const alone = await load(`http://127.0.0.1:${PORT}${c.path}`, { seconds: 3, headers, connections: 1 });
      results[c.name] = { http, sql: straight, alone };
      rows.push(
        `| ${c.name} | ${http.requestsPerSecond} | ${http.p50} | ${http.p99} | ${alone.p50} | ${straight.requestsPerSecond} | ${straight.p50} | ${straight.p99} | ${Math.round((http.requestsPerSecond / straight.requestsPerSecond) * 100)}% | ${http.errors + http.non2xx} |`,
      );
      console.log(`alerts: ${c.name}: http ${http.requestsPerSecond}/s p50 ${http.p50} ms, sql ${straight.requestsPerSecond}/s`);
      if (c.explain) {
        const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${c.explain.text}`, c.explain.values);
        plans.push(`#### ${c.name}\n\n\`\`\`\n${plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}\n\`\`\``);
      }
    }
    const [a, b, , d, sparse] = Object.values(results);
    // The HTTP limit of each page: a bare Fastify route in a process of its own sending the api's very bytes.
    const bare: Record<string, { bytes: number; result: LoadResult }> = {};
    for (const [name, path] of [
      ['(a)', cases[0].path],
      ['(a) with fields=', cases[4].path],
    ]) {
      const bytes = Buffer.from(await (await fetch(`http://127.0.0.1:${PORT}${path}`, { headers })).arrayBuffer());
      bare[name] = { bytes: bytes.length, result: await bareRouteLoad(bytes) };
    }
    const document = (await (await fetch(`http://127.0.0.1:${PORT}/openapi.json`)).json()) as Parameters<typeof responseSchema>[0];
    const schema = responseSchema(document, '/v1/alerts');
    const serialised: Record<string, ReturnType<typeof serialisers>> = {};
    for (const [name, path] of [
      ['(a)', cases[0].path],
      ['(a) with fields=', cases[4].path],
    ]) {
      serialised[name] = serialisers(schema, await (await fetch(`http://127.0.0.1:${PORT}${path}`, { headers })).json());
    }
    const serialiserRow = (name: string) =>
      `| ${name} | ${serialised[name].json.toFixed(3)} | ${serialised[name].compiled?.toFixed(3) ?? '–'} | ${serialised[name].same} |`;
    const bareRow = (name: string, http: LoadResult) =>
      `| ${name} | ${bare[name].bytes} | ${http.requestsPerSecond} | ${bare[name].result.requestsPerSecond} | ${Math.round((http.requestsPerSecond / bare[name].result.requestsPerSecond) * 100)}% |`;
    writeSection(
      'alerts',
      `## Alert reads at 1,000,000 alerts (issue: alerts)

Machine: ${machine()}. Data: \`npm run seed -- --alerts ${ALERTS} --tenants ${TENANTS}\` (50,000 alerts a tenant, over a year);
every case reads tenant demo-tenant-01 with a tenant JWT. HTTP: autocannon, 16 keep-alive connections, 10 s after a
2 s warm-up, the api as one process (LOG_LEVEL=warn, pool of 16). SQL: the statements the repository generates,
straight through \`pg\` (with the api's type parsers) with 16 connections for 10 s. Everything shares the machine's 2 cores.

| case | HTTP req/s | p50 ms | p99 ms | p50 ms, 1 connection | SQL req/s | SQL p50 ms | SQL p99 ms | HTTP/SQL | errors |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets: (a) at least half of its SQL twin's requests/s: **${Math.round((a.http.requestsPerSecond / a.sql.requestsPerSecond) * 100)}%**;
(b) within 1.5x of (a): **${(a.http.requestsPerSecond / b.http.requestsPerSecond).toFixed(2)}x** slower;
(d) p50 under 50 ms: **${d.http.p50} ms** at 16 connections (the SQL alone takes ${d.sql.p50} ms there: the
cores are saturated), **${d.alone.p50} ms** for one client at a time.

The page's bytes against the HTTP limit for them (issue 21 item 4): the api's answer beside a bare Fastify route in a
process of its own sending the same bytes (autocannon, 16 connections, 10 s):

| page | bytes | api req/s | bare route req/s | api / bare |
|---|---|---|---|---|
${bareRow('(a)', a.http)}
${bareRow('(a) with fields=', sparse.http)}

Serialising the page (issue 21 item 4: a compiled schema "when it measures faster"): JSON.stringify beside
fast-json-stringify compiled from the page's schema in the api's OpenAPI document, as Fastify's response schemas
would compile it, on the page as the api answered it, ms per page (5,000 calls after 5,000 to warm up):

| page | JSON.stringify ms | fast-json-stringify ms | same JSON |
|---|---|---|---|
${serialiserRow('(a)')}
${serialiserRow('(a) with fields=')}

Where the HTTP path spends its time beyond the SQL (CPU profile of (a)): writing the ~50 kB response to the
socket, JSON serialisation, parsing pg rows and dates, the AlertDto mapping; the api process itself stays
partly idle, because the load generator, PostgreSQL and Redis share the same two cores.

(b) walks the tenant's whole list without filters: with the seeded spread (about 4,200 alerts a tenant a
month), no filtered 30-day query has 1,000 pages.

Indexes that serve these (prisma/schema.prisma): \`alerts_tenant_created_idx (tenant_id, created_at DESC, id DESC)\`
for (a)–(c) (the keyset condition \`(created_at, id) < ($1, $2)\` is a row comparison, so it is an index
condition, not a filter); \`alerts_tenant_severity_created_idx\` and \`alerts_tenant_status_created_idx\` as
alternatives for (a); the trigram GIN \`alerts_search_trgm_idx\` over \`alert_search_text(title, message, source,
alertable_id, alert_rule_name)\` for (d) (the planner reads the newest alerts of the tenant and filters them when, as
here, one alert in twenty matches, and takes the index for rare text); the primary key for (e).

### Query plans (EXPLAIN ANALYZE, BUFFERS)

${plans.join('\n\n')}`,
    );
  } finally {
    api.kill('SIGTERM');
    await pool.end();
  }
}
