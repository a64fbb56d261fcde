/**
 * Issue 21, item 2: what the monthly partitions do for the retention purge. The oldest seeded month of the
 * 1,000,000-alert data set is made to expire whole (retention 365 days for every tenant, its open alerts
 * closed), in two copies of the database: in one every alert of the month has expired, so the purge of every
 * tenant detaches and drops the month; in the other one alert of the month stays open, so the month stays
 * and its expired alerts are purged row by row. Each purge also takes, row by row, the other alerts closed
 * before the cutoff. Timed from request to answer through the api.
 */
import { ChildProcess } from 'node:child_process';

import { Pool } from 'pg';

import { ALERT_COLUMNS, alertByIdSql, alertWhere, createdSince } from '../libs/alerts/src';
import { Prisma } from '../libs/database/src/generated/prisma/client';
import { alertMonths } from '../libs/database/src/monthly-partitions';
import { oneTenant } from '../libs/database/src/tenant-scope';
import { benchToken, benchUrl, ensureData, startApi } from './alerts';
import { machine, writeSection } from './report';

const PORT = 3915;
const RETENTION_DAYS = 365;
const QUERY_RUNS = 300;

interface PurgeRun {
  name: string;
  seconds: number;
  alerts: number;
  dropped: string[];
}

interface PurgeAnswer {
  data: { alerts_purged: number; partitions_dropped: { partition: string; alerts_purged: number }[] };
}

/** A copy of the bench database (CREATE DATABASE … TEMPLATE), prepared and purged once, then dropped. */
/** The partitions of alerts in the bench database, the default one included. */
async function monthCount(): Promise<number> {
  const pool = new Pool({ connectionString: benchUrl(), max: 1 });
  try {
    return Number((await pool.query("SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'alerts'::regclass")).rows[0].n);
  } finally {
    await pool.end();
  }
}

async function purgeCopy(name: string, keepOneOpen: boolean): Promise<PurgeRun> {
  const admin = new Pool({ connectionString: benchUrl('postgres'), max: 1 });
  const database = `alert_ledger_bench_partitions_${keepOneOpen ? 'kept' : 'dropped'}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database} TEMPLATE alert_ledger_bench`);
  const url = benchUrl(database);
  const pool = new Pool({ connectionString: url, max: 2 });
  let api: ChildProcess | undefined;
  try {
    const [oldest] = await alertMonths({ rows: async <T>(query: Prisma.Sql) => (await pool.query(query.text, query.values)).rows as T[] });
    await pool.query(
      `INSERT INTO compliance_settings (tenant_id, retention_days, updated_at, updated_by) SELECT id, $1, now(), 'bench' FROM tenants
       ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days`,
      [RETENTION_DAYS],
    );
    // The month's open alerts closed an hour after they came (the month's other alerts closed within days),
    // through the parent table, whose triggers keep the counts.
    await pool.query(
      `UPDATE alerts SET status = 'resolved', resolved_at = created_at + interval '1 hour', updated_at = created_at + interval '1 hour'
        WHERE id IN (SELECT id FROM ${oldest.name} WHERE status NOT IN ('resolved', 'dismissed'))`,
    );
    if (keepOneOpen) await pool.query(`UPDATE alerts SET status = 'open' WHERE id = (SELECT min(id) FROM ${oldest.name})`);
    await pool.query('SELECT fold_alert_hourly_count_deltas()');
    await pool.query(`VACUUM (ANALYZE) ${oldest.name}`);
    api = await startApi(url, PORT);
    const tenant = (await pool.query<{ id: string }>('SELECT id FROM tenants ORDER BY id LIMIT 1')).rows[0].id;
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${PORT}/v1/compliance/retention/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${benchToken(tenant, ['admin'])}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await response.json()) as PurgeAnswer;
    const seconds = (Date.now() - started) / 1000;
    if (!response.ok) throw new Error(`retention purge: ${response.status} ${JSON.stringify(body)}`);
    return {
      name,
      seconds,
      alerts: body.data.alerts_purged,
      dropped: body.data.partitions_dropped.map((d) => `${d.partition} (${d.alerts_purged.toLocaleString('en')})`),
    };
  } finally {
    api?.kill('SIGTERM');
    await pool.end();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

interface QueryTiming {
  name: string;
  partitioned: number;
  flat: number;
  planPartitioned: number;
  planFlat: number;
}

/** The median of `runs` values. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * What the partitions cost a query: the same statements the repository makes, run one after another on one
 * connection against the partitioned alerts and against an unpartitioned copy (alerts_flat, the same rows
 * and indexes) in the same database: the median round trip, and the median planning time from EXPLAIN.
 */
async function queryCosts(): Promise<QueryTiming[]> {
  const admin = new Pool({ connectionString: benchUrl('postgres'), max: 1 });
  const database = 'alert_ledger_bench_partitions_flat';
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database} TEMPLATE alert_ledger_bench`);
  const pool = new Pool({ connectionString: benchUrl(database), max: 1 });
  try {
    await pool.query('CREATE TABLE alerts_flat (LIKE alerts INCLUDING ALL)');
    await pool.query('INSERT INTO alerts_flat SELECT * FROM alerts');
    await pool.query('VACUUM (ANALYZE) alerts_flat');
    const tenant = (await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo-tenant-01'")).rows[0].id;
    const scope = oneTenant(tenant);
    const detail = (await pool.query<{ id: string }>('SELECT id FROM alerts WHERE tenant_id = $1 LIMIT 1 OFFSET 777', [tenant])).rows[0].id;
    const order = Prisma.sql`ORDER BY a.created_at DESC, a.id DESC LIMIT 51`;
    const cases: [string, Prisma.Sql][] = [
      [
        '(a) tenant + severity + status + 30 days, first page',
        Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a ${alertWhere(
          { severity: ['high', 'critical'], status: ['open', 'acknowledged'], created_from: '2026-10-02T00:00:00Z', created_to: '2026-11-01T00:00:00Z' },
          scope,
        )} ${order}`,
      ],
      ['the tenant’s first page, every month (no time named)', Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a ${alertWhere({}, scope)} ${order}`],
      [
        'the same, the last two months first (what the repository runs first)',
        Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a ${alertWhere({}, scope)} AND ${createdSince(new Date(Date.UTC(2026, 9, 1)))} ${order}`,
      ],
      ['(e) detail read', alertByIdSql(detail, scope)],
    ];
    const timings: QueryTiming[] = [];
    for (const [name, statement] of cases) {
      const flat = statement.text.replace('FROM alerts a', 'FROM alerts_flat a');
      const measure = async (text: string) => {
        const rounds: number[] = [];
        const plans: number[] = [];
        for (let run = 0; run < QUERY_RUNS; run++) {
          const started = process.hrtime.bigint();
          await pool.query(text, statement.values);
          rounds.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        for (let run = 0; run < 50; run++) {
          const { rows } = await pool.query(`EXPLAIN (FORMAT JSON, SUMMARY) ${text}`, statement.values);
          plans.push(rows[0]['QUERY PLAN'][0]['Planning Time'] as number);
        }
        return { round: median(rounds), plan: median(plans) };
      };
      const [partitioned, unpartitioned] = [await measure(statement.text), await measure(flat)];
      timings.push({ name, partitioned: partitioned.round, flat: unpartitioned.round, planPartitioned: partitioned.plan, planFlat: unpartitioned.plan });
    }
    return timings;
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

export async function runPartitions(): Promise<void> {
  await ensureData(benchUrl());
  const runs = [
    await purgeCopy('every alert of the month expired: the month dropped', false),
    await purgeCopy('one alert of the month still open: row by row', true),
  ];
  const costs = await queryCosts();
  const partitions = await monthCount();
  const costRows = costs.map(
    (c) => `| ${c.name} | ${c.partitioned.toFixed(2)} | ${c.flat.toFixed(2)} | ${c.planPartitioned.toFixed(2)} | ${c.planFlat.toFixed(2)} |`,
  );
  const rows = runs.map((run) => `| ${run.name} | ${run.seconds.toFixed(2)} | ${run.alerts.toLocaleString('en')} | ${run.dropped.join(', ') || 'none'} |`);
  writeSection(
    'partitions',
    `## Partitions: the retention purge of an expired month (issue 21)

Machine: ${machine()}. Data: the 1,000,000-alert data set (20 tenants), copied into a database of its own for
each run. Retention 365 days for every tenant; the oldest seeded month's open alerts closed an hour after
they came, so every alert of that month has expired (in the second run one of them is open again). One
\`POST /v1/compliance/retention/purge\` of every tenant through the api, timed from request to answer: it
also purges row by row the other alerts closed before the cutoff.

| Run | Seconds | Alerts purged | Months dropped (alerts) |
|---|---:|---:|---|
${rows.join('\n')}

What the partitions cost a query: the repository's statements for demo-tenant-01, ${QUERY_RUNS} times one after another on
one connection, against the partitioned \`alerts\` (${partitions} partitions) and against an unpartitioned copy with the
same rows and indexes in the same database; the median round trip, and the median planning time (EXPLAIN, 50 times).

| Statement | Partitioned, ms | Unpartitioned, ms | Planning, partitioned, ms | Planning, unpartitioned, ms |
|---|---:|---:|---:|---:|
${costRows.join('\n')}
`,
  );
}
