/**
 * Issue 25: costs that grow with one tenant's history. Alertmanager ingestion (100-alert payloads with 10%
 * repeats and 3% resolutions) into a tenant of 1,000,000 alerts beside an empty tenant, and the list's default
 * request (offset mode, a severity and status filter) beside the same filter in cursor mode, on that tenant.
 * Seeds `alert_ledger_bench_scale` (1,000,000 alerts, one tenant) when it is not there yet. Each case runs
 * ROUNDS times, interleaved, as the machine is shared.
 */
import { randomBytes } from 'node:crypto';

import { Pool } from 'pg';

import { alertWhere, countSql } from '../libs/alerts/src';
import { publicId } from '../libs/common/src/ids/public-id';
import { Prisma } from '../libs/database/src/generated/prisma/client';
import { PG_TYPES } from '../libs/database/src/pg-types';
import { oneTenant } from '../libs/database/src/tenant-scope';
import { benchToken, benchUrl, ensureData, startApi } from './alerts';
import { load, LoadResult } from './load';
import { machine, writeSection } from './report';
import { freePort } from '../scripts/free-port';

const ALERTS = 1_000_000;
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 30);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 2);
const WORKERS = 8;
const RECEIVER = 'bench-scale';
const FILTER = 'severity=high&status=open';

interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** An alert as Prometheus sends it: 9 labels, 3 annotations, a generator URL. */
function firing(n: number): AmAlert {
  const name = `Bench${['HighCpu', 'DiskFull', 'PodCrashLooping', 'TargetDown', 'LatencyHigh'][n % 5]}`;
  const instance = `10.0.${n % 16}.${n % 250}:9100`;
  return {
    status: 'firing',
    labels: {
      alertname: name,
      severity: ['critical', 'warning', 'info'][n % 3],
      instance,
      job: ['node', 'kubelet', 'api'][n % 3],
      namespace: `team-${n % 12}`,
      pod: `svc-${n % 40}-${randomBytes(3).toString('hex')}`,
      cluster: `eu-${n % 3}`,
      team: `team-${n % 12}`,
      service: `svc-${n % 40}`,
    },
    annotations: {
      summary: `${name} on ${instance}`,
      description: `${name} has been firing on ${instance} for more than 5 minutes (value ${n % 100}%).`,
      runbook_url: `https://runbooks.example.com/${name.toLowerCase()}`,
    },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=${encodeURIComponent(`up{instance="${instance}"} == 0`)}&g0.tab=1`,
    fingerprint: randomBytes(8).toString('hex'),
  };
}

interface IngestResult {
  alertsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  resolved: number;
}

/**
 * WORKERS clients for SECONDS, each payload 87 new alerts, 10 repeats of the previous payload's (unchanged)
 * and 3 resolutions of alerts the same client sent two payloads or more before.
 */
async function ingest(port: number, token: string): Promise<IngestResult> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let sent = 0;
  let failed = 0;
  let resolved = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async (w: number): Promise<void> => {
    let previous: AmAlert[] = [];
    const open: AmAlert[] = [];
    for (let batch = 0; Date.now() < deadline; batch++) {
      const fresh = Array.from({ length: 87 }, (_, i) => firing(w * 1_000_000 + batch * 100 + i));
      const resolutions = open.splice(0, 3).map((alert): AmAlert => ({ ...alert, status: 'resolved', endsAt: new Date().toISOString() }));
      const alerts = [...fresh, ...previous.slice(0, 10), ...resolutions];
      open.push(...previous.slice(10));
      previous = fresh;
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${port}/v1/ingest/alertmanager`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ version: '4', status: 'firing', receiver: RECEIVER, groupKey: `bench-${w}`, truncatedAlerts: 0, alerts }),
      });
      const body = (await response.json()) as { data?: { resolved?: number } };
      latencies.push(Date.now() - started);
      if (response.ok) {
        sent += alerts.length;
        resolved += body.data?.resolved ?? 0;
      } else failed++;
    }
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const elapsed = (Date.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    alertsPerSecond: Math.round(sent / elapsed),
    p50: latencies[Math.floor(latencies.length / 2)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    failed,
    resolved,
  };
}

export async function runScale(): Promise<void> {
  const url = benchUrl('alert_ledger_bench_scale');
  await ensureData(url, ALERTS, 1);
  const pool = new Pool({ connectionString: url, max: 4, types: PG_TYPES });
  const big = (await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo-tenant-01'")).rows[0].id;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = await startApi(url, port);
  try {
    // Ingestion, interleaved: a new empty tenant, then the large one, ROUNDS times.
    const ingestRows: string[] = [];
    const rates: { empty: number[]; large: number[] } = { empty: [], large: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const empty = publicId('tnt');
      await pool.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [empty, 'Bench scale (empty)', `bench-scale-${Date.now()}`]);
      for (const [kind, tenant] of [
        ['empty', empty],
        ['large', big],
      ] as const) {
        const before = Number((await pool.query('SELECT count(*) AS n FROM alerts WHERE tenant_id = $1', [tenant])).rows[0].n);
        const result = await ingest(port, benchToken(tenant, ['alerts:ingest']));
        rates[kind].push(result.alertsPerSecond);
        ingestRows.push(
          `| ${round} | ${kind} (${before.toLocaleString('en')} alerts before) | ${result.alertsPerSecond} | ${result.p50} | ${result.p99} | ${result.resolved} | ${result.failed} |`,
        );
        console.log(`scale: ingest round ${round}, ${kind}: ${result.alertsPerSecond} alerts/s, p50 ${result.p50} ms, resolved ${result.resolved}`);
      }
    }
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    const ratio = sum(rates.large) / sum(rates.empty);
    const worstRatio = Math.min(...rates.large) / Math.max(...rates.empty);

    // The list's default request beside cursor mode, on the large tenant (as seeded again), interleaved.
    await removeScaleAlerts(pool, big);
    const headers = { authorization: `Bearer ${benchToken(big, ['alerts:read'])}` };
    const paths = { default: `/v1/alerts?${FILTER}`, cursor: `/v1/alerts?${FILTER}&pagination=cursor`, exact: `/v1/alerts?${FILTER}&include_total=true` };
    const sample = (await (await fetch(`${base}${paths.default}`, { headers })).json()) as { total: number; total_is_estimate: boolean };
    const counting = countSql({ severity: ['high'], status: ['open'] }, oneTenant(big));
    const exactTotal = Number((await pool.query(counting.text, counting.values)).rows[0].n);
    const listRows: string[] = [];
    const lists: Record<'default' | 'cursor', { one: LoadResult[]; many: LoadResult[] }> = { default: { one: [], many: [] }, cursor: { one: [], many: [] } };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of ['default', 'cursor'] as const) {
        const target = `${base}${paths[mode]}`;
        await load(target, { seconds: 2, headers, connections: 16 });
        const one = await load(target, { seconds: 10, headers, connections: 1 });
        const many = await load(target, { seconds: 10, headers, connections: 16 });
        lists[mode].one.push(one);
        lists[mode].many.push(many);
        listRows.push(
          `| ${round} | ${mode === 'default' ? `\`GET ${paths.default}\` (offset, default total)` : `\`GET ${paths.cursor}\``} | ${one.p50} | ${one.requestsPerSecond} | ${many.requestsPerSecond} | ${many.p50} | ${many.p99} | ${one.errors + one.non2xx + many.errors + many.non2xx} |`,
        );
        console.log(`scale: list round ${round}, ${mode}: 1 client p50 ${one.p50} ms; 16 connections ${many.requestsPerSecond}/s`);
      }
    }
    const exact = await load(`${base}${paths.exact}`, { seconds: 10, headers, connections: 1 });
    listRows.push(
      `| 1 | \`GET ${paths.exact}\` (the exact count, for comparison) | ${exact.p50} | ${exact.requestsPerSecond} | – | – | – | ${exact.errors + exact.non2xx} |`,
    );
    const worstP50 = Math.max(...lists.default.one.map((r) => r.p50));
    const throughput = Math.min(...lists.default.many.map((r, i) => r.requestsPerSecond / lists.cursor.many[i].requestsPerSecond));

    const where = alertWhere({ severity: ['high'], status: ['open'] }, oneTenant(big));
    const pageSql = Prisma.sql`SELECT a.* FROM alerts a ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT 21 OFFSET 0`;
    const estimateSql = Prisma.sql`SELECT 1 FROM alerts a ${where}`;
    const plan = async (prefix: string, query: Prisma.Sql) =>
      (await pool.query(`${prefix} ${query.text}`, query.values)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    const pagePlan = await plan('EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)', pageSql);
    const estimatePlan = await plan('EXPLAIN', estimateSql);
    const countPlan = await plan('EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)', counting);

    writeSection(
      'scale',
      `## One tenant's history: ingestion and the default list at 1,000,000 alerts (issue 25)

Machine: ${machine()}; shared with six other engineers' builds and tests, so every case ran ${ROUNDS} times,
interleaved, and the table shows each run. Data: \`alert_ledger_bench_scale\`, \`npm run seed -- --alerts ${ALERTS} --tenants 1\`
(one tenant, demo-tenant-01, with ${ALERTS.toLocaleString('en')} alerts over a year). The api as one process (LOG_LEVEL=warn, pool of 16).

**Ingestion**: ${WORKERS} clients posting Alertmanager payloads of 100 alerts for ${SECONDS} s: 87 new, 10 repeats
of the previous payload (unchanged), 3 resolutions of alerts the client sent two or more payloads before; each alert
with 9 labels, 3 annotations and a generator URL. The same payloads into a new, empty tenant (one per round, which
the table's statistics do not know, as a new customer's) and into the tenant of 1,000,000 alerts.

| round | tenant | alerts/s | p50 ms a payload | p99 ms a payload | alerts resolved | failed payloads |
|---|---|---|---|---|---|---|
${ingestRows.join('\n')}

Target: the large tenant's alerts/s at least 80% of the empty tenant's: **${ratio >= 0.8 ? 'met' : 'not met'}**
(${Math.round(ratio * 100)}% over all rounds; the slowest large-tenant run against the fastest empty-tenant run ${Math.round(worstRatio * 100)}%).

**The list's default request** on the large tenant: no paging parameters, \`${FILTER}\` (${exactTotal.toLocaleString('en')}
matching alerts), beside the same filter in cursor mode. One client (autocannon, 1 connection, 10 s) and 16
connections (10 s, after a 2 s warm-up). The default answered \`total: ${sample.total}\`, \`total_is_estimate: ${sample.total_is_estimate}\`.

| round | request | p50 ms, 1 client | req/s, 1 client | req/s, 16 connections | p50 ms, 16 | p99 ms, 16 | errors |
|---|---|---|---|---|---|---|---|
${listRows.join('\n')}

Targets: p50 under 20 ms for one client: **${worstP50 < 20 ? 'met' : 'not met'}** (${worstP50} ms, the slower run);
at 16 connections at least half the requests/s of cursor mode: **${throughput >= 0.5 ? 'met' : 'not met'}**
(${Math.round(throughput * 100)}%, the lower of the rounds).

The default offset page runs the page's query and, beside it, the planner's estimate of the count (EXPLAIN of
the matching rows' query, which reads no rows); only an estimate of at most 1,000 is followed by a count, which
stops after 1,001 rows. \`include_total=true\` runs the exact count:

#### The page (EXPLAIN ANALYZE, BUFFERS)

\`\`\`
${pagePlan}
\`\`\`

#### The estimate (EXPLAIN; this is the statement the api runs)

\`\`\`
${estimatePlan}
\`\`\`

#### The exact count, only with include_total=true (EXPLAIN ANALYZE, BUFFERS)

\`\`\`
${countPlan}
\`\`\``,
    );
  } finally {
    api.kill('SIGTERM');
    await removeScaleAlerts(pool, big);
    await pool.end();
  }
}

/** The alerts this suite wrote (and their timelines) go, so the large tenant stays the seeded one; the audit trail stays. */
async function removeScaleAlerts(pool: Pool, big: string): Promise<void> {
  const empty = "SELECT id FROM tenants WHERE slug LIKE 'bench-scale-%'";
  const written = `SELECT id FROM alerts WHERE tenant_id IN (${empty}) OR (tenant_id = $1 AND receiver = '${RECEIVER}')`;
  await pool.query(`DELETE FROM alert_timeline WHERE alert_id IN (${written})`, [big]);
  await pool.query(`DELETE FROM alerts WHERE id IN (${written})`, [big]);
  await pool.query('VACUUM (ANALYZE) alerts');
  await pool.query('VACUUM (ANALYZE) alert_timeline');
}
