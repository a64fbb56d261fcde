/**
 * Issue 21: the same operations at two sizes in one run, 1,000,000 alerts over 20 tenants and 10,000,000
 * over 200 (50,000 alerts a tenant either way, the same generator), so that what grows with the whole
 * data set shows apart from what grows with one tenant's history. For each size: list (a)–(e), the
 * statistics cases, Alertmanager ingestion into a new tenant, a CSV export of one tenant and the retention
 * purge of one tenant's expired month. The sizes alternate, ROUNDS times and each round in the other order,
 * as the machine is shared.
 *
 * `BENCH_SIZES=1000000/20,10000000/200` (the default) names the sizes; the first is the base.
 */
import { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Pool } from 'pg';

import { publicId } from '../libs/common/src/ids/public-id';
import { PG_TYPES } from '../libs/database/src/pg-types';
import { benchToken, benchUrl, ensureData, listCases, startApi, stopProcesses } from './alerts';
import { API_PORT, exportRun } from './exports';
import { postAlertmanagerLoad, removeBenchAlerts, statsCases, warmIngestion } from './ingest';
import { load } from './load';
import { machine, writeSection } from './report';

const ROUNDS = Number(process.env.BENCH_SIZES_ROUNDS ?? 3);
const INGEST_SECONDS = Number(process.env.BENCH_SIZES_INGEST_SECONDS ?? 30);
const RETENTION_DAYS = 365;
const PURGES = 3;
const DAY_MS = 86_400_000;

interface Size {
  alerts: number;
  tenants: number;
  database: string;
}

/** `1000000/20,10000000/200`: the base size shares `alert_ledger_bench` with the other suites. */
function sizes(): Size[] {
  return (process.env.BENCH_SIZES ?? '1000000/20,10000000/200').split(',').map((text, index) => {
    const [alerts, tenants] = text.split('/').map(Number);
    if (!Number.isInteger(alerts) || !Number.isInteger(tenants) || alerts < tenants || tenants < 2) {
      throw new Error(`BENCH_SIZES: "${text}" is not alerts/tenants (two whole numbers, at least two tenants)`);
    }
    const database = index === 0 && alerts === 1_000_000 && tenants === 20 ? 'alert_ledger_bench' : `alert_ledger_bench_${alerts}_${tenants}`;
    return { alerts, tenants, database };
  });
}

/** One figure of one size and round; `higher` says whether more is better (rates) or worse (seconds, ms). */
interface Figure {
  name: string;
  unit: string;
  value: number;
  higher: boolean;
  /** What the figure covered at this size (rows exported, alerts purged). */
  detail?: string;
}

async function tenantId(pool: Pool, slug: string): Promise<string> {
  return (await pool.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [slug])).rows[0].id;
}

/** Requests/s and p50 of a path, 16 connections, 10 s after 2 s of warm-up. */
async function httpFigures(name: string, url: string, headers: Record<string, string>): Promise<Figure[]> {
  await load(url, { seconds: 2, headers, connections: 16 });
  const result = await load(url, { seconds: 10, headers, connections: 16 });
  if (result.errors + result.non2xx) throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} answers other than 2xx`);
  return [
    { name: `${name}: req/s`, unit: 'req/s', value: result.requestsPerSecond, higher: true },
    { name: `${name}: p50`, unit: 'ms', value: result.p50, higher: false },
  ];
}

const SAVED = ['alerts', 'alert_timeline', 'threat_case_alerts', 'threat_case_observable_alerts'] as const;

/**
 * The retention purge of one tenant's expired month through the api (retention 365 days: the seeded year
 * ends 2026-11-01, so what was closed before now minus a year goes), timed from request to answer. The rows
 * it removes are saved first and put back afterwards, so the data set stays the seeded one.
 */
async function purgeOnce(pool: Pool, base: string, tenant: string): Promise<{ seconds: number; purged: number }> {
  // A little later than the purge's own cutoff: what is saved covers what it removes.
  const cutoff = new Date(Date.now() - RETENTION_DAYS * DAY_MS + 3_600_000);
  await pool.query(
    `INSERT INTO compliance_settings (tenant_id, retention_days, updated_at, updated_by) VALUES ($1, $2, now(), 'bench')
     ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days`,
    [tenant, RETENTION_DAYS],
  );
  for (const table of SAVED) await pool.query(`DROP TABLE IF EXISTS bench_saved_${table}`);
  await pool.query(
    `CREATE UNLOGGED TABLE bench_saved_alerts AS SELECT * FROM alerts WHERE tenant_id = $1 AND status IN ('resolved', 'dismissed') AND updated_at < $2`,
    [tenant, cutoff],
  );
  for (const table of SAVED.slice(1)) {
    await pool.query(`CREATE UNLOGGED TABLE bench_saved_${table} AS SELECT d.* FROM ${table} d JOIN bench_saved_alerts a ON a.id = d.alert_id`);
  }
  try {
    const token = benchToken(tenant, ['admin']);
    const started = Date.now();
    const response = await fetch(`${base}/v1/compliance/retention/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: tenant }),
    });
    const body = (await response.json()) as { data: { tenants: { alerts_purged: number }[] } };
    const seconds = (Date.now() - started) / 1000;
    if (!response.ok) throw new Error(`retention purge: ${response.status} ${JSON.stringify(body)}`);
    return { seconds, purged: body.data.tenants[0].alerts_purged };
  } finally {
    await pool.query('INSERT INTO alerts SELECT s.* FROM bench_saved_alerts s WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.id = s.id)');
    await pool.query(
      'INSERT INTO alert_timeline SELECT s.* FROM bench_saved_alert_timeline s WHERE NOT EXISTS (SELECT 1 FROM alert_timeline t WHERE t.id = s.id)',
    );
    for (const table of SAVED.slice(2)) await pool.query(`INSERT INTO ${table} SELECT * FROM bench_saved_${table} ON CONFLICT DO NOTHING`);
    for (const table of SAVED) await pool.query(`DROP TABLE bench_saved_${table}`);
    await pool.query('DELETE FROM compliance_settings WHERE tenant_id = $1', [tenant]);
  }
}

/** Every figure of one size: the api (and an export worker) started on its database and stopped afterwards. */
async function measure(size: Size, exportDir: string): Promise<Figure[]> {
  const url = benchUrl(size.database);
  const pool = new Pool({ connectionString: url, max: 16, types: PG_TYPES });
  let api: ChildProcess | undefined;
  const figures: Figure[] = [];
  try {
    const reader = await tenantId(pool, 'demo-tenant-01');
    const headers = { authorization: `Bearer ${benchToken(reader, ['alerts:read', 'exports:read', 'exports:write'])}` };
    api = await startApi(url, API_PORT);
    const base = `http://127.0.0.1:${API_PORT}`;
    for (const c of await listCases(pool, reader, base, headers)) figures.push(...(await httpFigures(c.name, `${base}${c.path}`, headers)));
    for (const c of statsCases(reader)) figures.push(...(await httpFigures(`statistics: ${c.name}`, `${base}${c.path}`, headers)));

    const ingestTenant = publicId('tnt');
    await pool.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [ingestTenant, 'Bench ingest', `bench-ingest-${Date.now()}`]);
    const ingestHeaders = { authorization: `Bearer ${benchToken(ingestTenant, ['alerts:ingest'])}`, 'content-type': 'application/json' };
    await warmIngestion(pool, API_PORT, ingestHeaders);
    const ingest = await postAlertmanagerLoad(API_PORT, ingestHeaders, INGEST_SECONDS, 8);
    if (ingest.failed) throw new Error(`ingestion: ${ingest.failed} payloads failed`);
    figures.push({ name: 'ingestion (Alertmanager, 8 clients)', unit: 'alerts/s', value: Math.round(ingest.sent / ingest.elapsed), higher: true });
    await removeBenchAlerts(pool);

    const exported = await exportRun('CSV', url, exportDir, headers, { resource: 'alerts', scope: 'all', format: 'csv', timezone: 'UTC' });
    figures.push({ name: 'CSV export of one tenant', unit: 's', value: exported.seconds, higher: false, detail: `${exported.rows.toLocaleString('en')} rows` });

    // The median of three purges (each of the same rows, put back after the one before).
    const purgeTenant = await tenantId(pool, 'demo-tenant-02');
    const purges: { seconds: number; purged: number }[] = [];
    for (let run = 0; run < PURGES; run++) purges.push(await purgeOnce(pool, base, purgeTenant));
    const purge = purges.sort((a, b) => a.seconds - b.seconds)[Math.floor(PURGES / 2)];
    figures.push({
      name: "retention purge of one tenant's expired month",
      unit: 's',
      value: purge.seconds,
      higher: false,
      detail: `${purge.purged.toLocaleString('en')} alerts`,
    });
    // The deltas of this round's writes, folded as the worker (not running here) would have every 5 s.
    await pool.query('SELECT fold_alert_hourly_count_deltas()');
    return figures;
  } finally {
    await stopProcesses([api]);
    await pool.end();
  }
}

function label(size: Size): string {
  return `${size.alerts.toLocaleString('en')} alerts, ${size.tenants} tenants`;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const shown = (value: number, unit: string) => (unit === 's' ? value.toFixed(2) : String(Math.round(value)));

export async function runSizes(): Promise<void> {
  const all = sizes();
  for (const size of all) {
    const started = Date.now();
    await ensureData(benchUrl(size.database), size.alerts, size.tenants);
    console.log(`sizes: ${label(size)} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'alert-ledger-bench-sizes-'));
  const exportDir = join(dir, 'exports');
  process.env.EXPORT_DIR = exportDir;
  process.env.EXPORTS_IN_PROCESS = 'false';
  // runs[size][round]: the figures of one size in one round.
  const runs: Figure[][][] = all.map(() => []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round in the other order, so that neither size always runs first.
      const order = round % 2 ? [...all.entries()].reverse() : [...all.entries()];
      for (const [index, size] of order) {
        console.log(`sizes: round ${round + 1}, ${label(size)}`);
        const figures = await measure(size, exportDir);
        // Each round's figures as they come: a run that fails later still leaves what it measured.
        for (const figure of figures) console.log(`sizes:   ${figure.name}: ${shown(figure.value, figure.unit)} ${figure.unit}`);
        runs[index].push(figures);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const names = runs[0][0].map((figure) => figure.name);
  const valueOf = (index: number, name: string) => mean(runs[index].map((figures) => figures.find((figure) => figure.name === name)?.value ?? NaN));
  const rows = names.map((name) => {
    const { unit, higher } = runs[0][0].find((figure) => figure.name === name) as Figure;
    const base = valueOf(0, name);
    const cells = all.map((_, index) => {
      const detail = runs[index].at(-1)?.find((figure) => figure.name === name)?.detail;
      return `${shown(valueOf(index, name), unit)} ${unit}${detail ? ` (${detail})` : ''}`;
    });
    const rounds = all.map((_, index) => runs[index].map((figures) => shown(figures.find((figure) => figure.name === name)?.value ?? NaN, unit)).join(' / '));
    // How many times worse the largest size is than the base: rates divide the other way round.
    const largest = valueOf(all.length - 1, name);
    const slower = higher ? base / largest : largest / base;
    return `| ${name} | ${cells.join(' | ')} | ${rounds.join(' | ')} | **${slower.toFixed(2)}x**${slower > 1.25 ? ' (over 1.25x)' : ''} |`;
  });
  for (const row of rows) console.log(`sizes: ${row}`);
  const headerSizes = all.map((size) => label(size)).join(' | ');
  const headerRounds = all.map((size) => `rounds, ${size.alerts.toLocaleString('en')}`).join(' | ');
  writeSection(
    'sizes',
    `## Ten times the data (issue 21): ${all.map(label).join(' against ')}

Machine: ${machine()}. Data: \`npm run seed\` at each size (the same generator, 50,000 alerts a tenant over a
year, so one tenant's history is the same size at both); each size in a database of its own, the sizes
alternated ${ROUNDS} times (each round in the other order), the api started afresh on each. Reads: tenant demo-tenant-01 with a tenant JWT,
autocannon with 16 keep-alive connections for 10 s after 2 s of warm-up (the cases of the alert-reads and
statistics sections). Ingestion: 8 clients posting Alertmanager payloads of 100 alerts (10 repeats) into a new
tenant for ${INGEST_SECONDS} s, after 2 s of the same load and the worker's analysis of the month (\`warmIngestion\`). Export: all alerts of demo-tenant-01 as CSV by a fresh worker, from the job's
started_at to completed_at. Purge: \`POST /v1/compliance/retention/purge\` for demo-tenant-02 with a retention of
365 days (what was closed before a year ago: the seeded year's first weeks), from request to answer, the median of
${PURGES} (the purged rows are put back after each). Each figure is the mean of the rounds; the last column is how many times worse the
largest size is (target: within 1.25x).

| figure | ${headerSizes} | ${headerRounds} | worse at the largest size |
|---|${all.map(() => '---|').join('')}${all.map(() => '---|').join('')}---|
${rows.join('\n')}`,
  );
}
