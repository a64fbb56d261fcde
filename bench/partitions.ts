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

import { benchToken, benchUrl, ensureData, startApi } from './alerts';
import { machine, writeSection } from './report';

const PORT = 3915;
const RETENTION_DAYS = 365;

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
async function purgeCopy(name: string, keepOneOpen: boolean): Promise<PurgeRun> {
  const admin = new Pool({ connectionString: benchUrl('postgres'), max: 1 });
  const database = `alert_ledger_bench_partitions_${keepOneOpen ? 'kept' : 'dropped'}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database} TEMPLATE alert_ledger_bench`);
  const url = benchUrl(database);
  const pool = new Pool({ connectionString: url, max: 2 });
  let api: ChildProcess | undefined;
  try {
    const [oldest] = (
      await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'alerts'::regclass AND c.relname ~ '^alerts_[0-9]{4}_[0-9]{2}$' ORDER BY 1 LIMIT 1`,
      )
    ).rows;
    await pool.query(
      `INSERT INTO compliance_settings (tenant_id, retention_days, updated_at, updated_by) SELECT id, $1, now(), 'bench' FROM tenants
       ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days`,
      [RETENTION_DAYS],
    );
    // The month's open alerts closed an hour after they came (the month's other alerts closed within days).
    await pool.query(
      `UPDATE ${oldest.name} SET status = 'resolved', resolved_at = created_at + interval '1 hour', updated_at = created_at + interval '1 hour'
        WHERE status NOT IN ('resolved', 'dismissed')`,
    );
    if (keepOneOpen) await pool.query(`UPDATE ${oldest.name} SET status = 'open' WHERE id = (SELECT min(id) FROM ${oldest.name})`);
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

export async function runPartitions(): Promise<void> {
  await ensureData(benchUrl());
  const runs = [
    await purgeCopy('every alert of the month expired: the month dropped', false),
    await purgeCopy('one alert of the month still open: row by row', true),
  ];
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
`,
  );
}
