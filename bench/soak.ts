/**
 * Issue: faults of real infrastructure (memory). The built api and worker run for BENCH_SOAK_MINUTES
 * (20; `npm run bench -- soak --soak-minutes=2` to try it) under a steady, modest mix of traffic: alert
 * reads and statistics, creations and lifecycle changes, Alertmanager ingestion, a CSV export a minute,
 * and fuzzed input (broken JSON, wrong types, junk query strings, invalid cursors and ids). Every 10 s
 * both processes' RSS and V8 heap are read from their /metrics. Writes docs/soak-rss.svg and the
 * verdict: after a warm-up (the first quarter), RSS and heap grow by less than 10% to the end.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';

import { Pool } from 'pg';

import { publicId } from '../libs/common/src/ids/public-id';
import { applyMigrations, dropDatabase } from '../libs/database/src/migrator/migrator';
import { freePort } from '../scripts/free-port';
import { waitForHttp } from '../scripts/wait-for-http';
import { benchToken, benchUrl } from './alerts';
import { machine, writeSection } from './report';
import { BUILT_MAIN } from '../scripts/built-apps';

const REQUESTS_PER_SECOND = 20;
const SAMPLE_MS = 10_000;
const CHART = 'docs/soak-rss.svg';

interface Sample {
  seconds: number;
  apiRss: number;
  apiHeap: number;
  workerRss: number;
  workerHeap: number;
}

function soakMinutes(): number {
  const flag = process.argv.find((arg) => arg.startsWith('--soak-minutes='));
  const minutes = Number(flag?.split('=')[1] ?? process.env.BENCH_SOAK_MINUTES ?? 20);
  if (!(minutes > 0)) throw new Error('--soak-minutes must be a positive number');
  return minutes;
}

const LOG_DIR = '/tmp/alert-ledger-soak';

/** A built app; its log (errors only) goes to LOG_DIR/<name>.log, where every 5xx's cause can be read. */
function start(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = openSync(`${LOG_DIR}/${name}.log`, 'w');
  return spawn(process.execPath, [script], { env, stdio: ['ignore', log, log] });
}

/** RSS and heap used (bytes) from a Prometheus body of prom-client's default metrics. */
async function memory(port: number): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: value('process_resident_memory_bytes'), heap: value('nodejs_heap_size_used_bytes') };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** A valid alert body, or one with a field broken in a random way (fuzzed input: 4xx expected, never 5xx). */
function alertBody(fuzz: boolean): string {
  const body: Record<string, unknown> = {
    type: pick(['brute_force', 'malware', 'disk_full']),
    source: `host-${Math.floor(Math.random() * 50)}`,
    title: `Soak alert ${randomBytes(4).toString('hex')}`,
    severity: pick(['low', 'medium', 'high', 'critical']),
    labels: { env: 'soak' },
  };
  if (!fuzz) return JSON.stringify(body);
  const field = pick(Object.keys(body));
  const junk = pick<unknown>([
    null,
    42,
    -1e308,
    true,
    [],
    {},
    '',
    'x'.repeat(5000),
    '\u202e\ud83d\ude00',
    { $gt: '' },
    '../../etc/passwd',
    '<script>alert(1)</script>',
  ]);
  const mutated = { ...body, [field]: junk, [randomBytes(3).toString('hex')]: junk };
  const text = JSON.stringify(mutated);
  // Sometimes not JSON at all: cut short, or random bytes.
  return pick([text, text, text.slice(0, Math.floor(text.length / 2)), randomBytes(64).toString('base64')]);
}

function fuzzedQuery(): string {
  return pick([
    `?severity=${pick(['urgent', '', 'high,,low', '%00'])}`,
    `?page_size=${pick(['-1', '0', '100000', 'abc', '1e3'])}`,
    `?cursor=${randomBytes(24).toString('base64url')}`,
    `?created_from=${pick(['yesterday', '2025-13-45', '0000-00-00T00:00:00Z'])}`,
    `?sort_by=${pick(['password', 'severity;DROP TABLE alerts', 'created_at'])}&sort_order=${pick(['sideways', 'desc'])}`,
    `?${randomBytes(8).toString('hex')}=${'y'.repeat(2000)}`,
  ]);
}

function amPayload(i: number): string {
  const alerts = Array.from({ length: 10 }, (_, j) => ({
    status: pick(['firing', 'firing', 'resolved']),
    labels: { alertname: `Soak${j}`, severity: pick(['critical', 'warning', 'info']), instance: `host-${(i + j) % 30}:9100` },
    annotations: { summary: 'soak' },
    startsAt: new Date(Date.UTC(2026, 0, 1) + ((i * 10 + j) % 500) * 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: `soak${(i * 10 + j) % 500}`,
  }));
  return JSON.stringify({ version: '4', status: 'firing', receiver: 'soak', groupKey: 'soak', truncatedAlerts: 0, alerts });
}

interface Counts {
  sent: number;
  byStatus: Map<number, number>;
  failed: number;
}

/** One request of the mix; its status is counted. */
async function request(base: string, headers: Record<string, string>, i: number, ids: string[], counts: Counts): Promise<void> {
  const json = { ...headers, 'content-type': 'application/json' };
  const kind = i % 20;
  let path: string;
  let init: RequestInit = { headers };
  if (kind < 6)
    path = pick([
      '/v1/alerts?page_size=50',
      '/v1/alerts?severity=high,critical&sort_by=severity',
      '/v1/alerts/stats/severity',
      '/v1/alerts/stats/status',
      '/v1/threat-cases',
      '/v1/audit-trail?page_size=20',
    ]);
  else if (kind < 8 && ids.length) path = `/v1/alerts/${pick(ids)}${pick(['', '/timeline'])}`;
  else if (kind < 10) [path, init] = ['/v1/alerts', { method: 'POST', headers: json, body: alertBody(false) }];
  else if (kind < 12 && ids.length)
    [path, init] = [`/v1/alerts/${pick(ids)}/${pick(['acknowledge', 'escalate', 'reopen'])}`, { method: 'POST', headers: json, body: '{}' }];
  else if (kind < 14) [path, init] = ['/v1/ingest/alertmanager', { method: 'POST', headers: json, body: amPayload(i) }];
  else if (kind < 17) [path, init] = ['/v1/alerts', { method: 'POST', headers: json, body: alertBody(true) }];
  else if (kind < 19) path = `/v1/alerts${fuzzedQuery()}`;
  else path = pick([`/v1/alerts/${pick(['alr_x', 'alr_' + 'Z'.repeat(26), '%ff%fe', '..%2f..'])}`, `/v1/${randomBytes(4).toString('hex')}`]);
  counts.sent++;
  try {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    counts.byStatus.set(response.status, (counts.byStatus.get(response.status) ?? 0) + 1);
    if (response.status === 201 && path === '/v1/alerts' && ids.length < 500) ids.push((JSON.parse(text) as { data: { id: string } }).data.id);
  } catch {
    counts.failed++;
  }
}

async function startExport(base: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(`${base}/v1/exports`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ resource: 'alerts', format: 'csv', scope: 'all' }),
  });
  await response.arrayBuffer();
}

/** The RSS of both processes over time, as an SVG line chart (MB against minutes). */
export function rssChart(samples: Sample[], warmupSeconds: number): string {
  const [width, height, left, bottom, top, right] = [760, 340, 60, 40, 30, 20];
  const maxSeconds = Math.max(60, samples.at(-1)?.seconds ?? 60);
  const maxMb = Math.ceil(((Math.max(...samples.flatMap((s) => [s.apiRss, s.workerRss])) / 2 ** 20) * 1.15) / 50) * 50 || 100;
  const x = (seconds: number) => left + ((width - left - right) * seconds) / maxSeconds;
  const y = (bytes: number) => height - bottom - ((height - bottom - top) * bytes) / 2 ** 20 / maxMb;
  const line = (key: 'apiRss' | 'workerRss', colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${samples.map((s) => `${x(s.seconds).toFixed(1)},${y(s[key]).toFixed(1)}`).join(' ')}"/>`;
  const minuteStep = Math.max(1, Math.ceil(maxSeconds / 60 / 10));
  const xTicks = Array.from({ length: Math.floor(maxSeconds / 60 / minuteStep) + 1 }, (_, i) => i * minuteStep).map(
    (m) => `<text x="${x(m * 60)}" y="${height - bottom + 16}" text-anchor="middle">${m}</text>`,
  );
  const yTicks = Array.from({ length: 6 }, (_, i) => (maxMb * i) / 5).map(
    (mb) =>
      `<text x="${left - 6}" y="${y(mb * 2 ** 20) + 4}" text-anchor="end">${Math.round(mb)}</text><line x1="${left}" x2="${width - right}" y1="${y(mb * 2 ** 20)}" y2="${y(mb * 2 ** 20)}" stroke="#ddd"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="14">RSS of the api and the worker under steady mixed traffic (MB over minutes)</text>
${yTicks.join('\n')}
<line x1="${x(warmupSeconds)}" x2="${x(warmupSeconds)}" y1="${top}" y2="${height - bottom}" stroke="#999" stroke-dasharray="4 3"/>
<text x="${x(warmupSeconds) + 4}" y="${top + 12}" fill="#666">end of warm-up</text>
${xTicks.join('\n')}
${line('apiRss', '#1f77b4')}
${line('workerRss', '#d62728')}
<text x="${width - right - 150}" y="${top + 12}" fill="#1f77b4">api</text><text x="${width - right - 100}" y="${top + 12}" fill="#d62728">worker</text>
</svg>
`;
}

/** Growth from the mean of the first three samples after warm-up to the mean of the last three. */
function growth(samples: Sample[], key: keyof Sample, warmupSeconds: number): number {
  const after = samples.filter((s) => s.seconds >= warmupSeconds);
  const mean = (list: Sample[]) => list.reduce((sum, s) => sum + s[key], 0) / list.length;
  return mean(after.slice(-3)) / mean(after.slice(0, 3)) - 1;
}

export async function runSoak(): Promise<void> {
  const minutes = soakMinutes();
  const url = benchUrl('alert_ledger_soak');
  await dropDatabase(url);
  await applyMigrations(url);
  const pool = new Pool({ connectionString: url, max: 1 });
  const tenantId = publicId('tnt');
  await pool.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [tenantId, 'Soak', 'soak']);
  await pool.end();
  const token = benchToken(tenantId, ['alerts:read', 'alerts:write', 'alerts:ingest', 'cases:read', 'audit:read', 'exports:read', 'exports:write'], 'soak');
  const headers = { authorization: `Bearer ${token}` };
  // Free ports, never fixed ones: another process on this machine may hold any given port and send it traffic.
  const [API_PORT, WORKER_PORT] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    DATABASE_URL: url,
    HOST: '127.0.0.1',
    PORT: String(API_PORT),
    WORKER_PORT: String(WORKER_PORT),
    LOG_LEVEL: 'error',
    METRICS_PUBLIC: 'true',
    RATE_LIMIT_PER_MINUTE: '1000000',
    REDIS_PREFIX: `alert-ledger-soak-${process.pid}`,
    EXPORTS_IN_PROCESS: 'false',
    EXPORT_DIR: `${LOG_DIR}/exports`,
    RETENTION_PURGE_CRON: '',
  };
  const api = start('api', BUILT_MAIN.api, env);
  const worker = start('worker', BUILT_MAIN.worker, env);
  const base = `http://127.0.0.1:${API_PORT}`;
  const counts: Counts = { sent: 0, byStatus: new Map(), failed: 0 };
  const samples: Sample[] = [];
  try {
    await waitForHttp(`${base}/health/ready`, { child: api, name: 'api' });
    await waitForHttp(`http://127.0.0.1:${WORKER_PORT}/health/ready`, { child: worker, name: 'worker' });
    const ids: string[] = [];
    const startedAt = Date.now();
    const deadline = startedAt + minutes * 60_000;
    const sample = async () => {
      const [a, w] = await Promise.all([memory(API_PORT), memory(WORKER_PORT)]);
      samples.push({ seconds: Math.round((Date.now() - startedAt) / 1000), apiRss: a.rss, apiHeap: a.heap, workerRss: w.rss, workerHeap: w.heap });
      console.log(
        `soak: ${samples.at(-1)?.seconds} s api ${(a.rss / 2 ** 20).toFixed(0)} MB worker ${(w.rss / 2 ** 20).toFixed(0)} MB, ${counts.sent} requests`,
      );
    };
    await sample();
    const sampler = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);
    const exporter = setInterval(() => void startExport(base, headers).catch(() => undefined), 60_000);
    // A steady rate: one request every 1/REQUESTS_PER_SECOND s, whatever the answers' latency.
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; Date.now() < deadline; i++) {
      const next = startedAt + (i * 1000) / REQUESTS_PER_SECOND;
      if (next > Date.now()) await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
      if (api.exitCode !== null || worker.exitCode !== null) throw new Error('the api or the worker exited during the soak');
      const pending = request(base, headers, i, ids, counts).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    clearInterval(exporter);
    await Promise.all(inFlight);
    clearInterval(sampler);
    await sample();
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }

  const warmup = (minutes * 60) / 4;
  writeFileSync(CHART, rssChart(samples, warmup));
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const rows = (['api', 'worker'] as const).map((name) => {
    const rss = growth(samples, `${name}Rss`, warmup);
    const heap = growth(samples, `${name}Heap`, warmup);
    const first = samples[0];
    const last = samples.at(-1) as Sample;
    return {
      name,
      rss,
      heap,
      line: `| ${name} | ${mb(first[`${name}Rss`])} | ${mb(last[`${name}Rss`])} | ${pct(rss)} | ${mb(first[`${name}Heap`])} | ${mb(last[`${name}Heap`])} | ${pct(heap)} |`,
    };
  });
  const flat = rows.every((row) => row.rss < 0.1 && row.heap < 0.1);
  const statuses = [...counts.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  writeSection(
    'soak',
    `## Memory soak (issue: faults of real infrastructure)

${machine()}. \`npm run bench -- soak\` (\`--soak-minutes=N\`, default 20): the built api and worker, ${minutes} minutes of steady
mixed traffic at ${REQUESTS_PER_SECOND} requests a second (reads and statistics, creations, lifecycle changes, Alertmanager ingestion, fuzzed
bodies, queries and paths) and a CSV export a minute; RSS and V8 heap read from each process's /metrics every ${SAMPLE_MS / 1000} s.
Growth is from the first samples after the warm-up (the first quarter, ${warmup / 60} minutes) to the last.

| process | RSS at start (MB) | RSS at end (MB) | RSS growth after warm-up | heap at start (MB) | heap at end (MB) | heap growth after warm-up |
|---|---|---|---|---|---|---|
${rows.map((row) => row.line).join('\n')}

Verdict: **${flat ? 'flat' : 'growing'}** (${flat ? 'less' : 'not less'} than 10% growth after warm-up). ${counts.sent} requests; statuses ${statuses}; ${counts.failed} without an answer.

![RSS of the api and the worker over the soak](soak-rss.svg)`,
  );
  console.log(
    `soak: ${flat ? 'flat' : 'GROWING'}; ${rows.map((row) => `${row.name} RSS ${pct(row.rss)} heap ${pct(row.heap)}`).join('; ')}; statuses ${statuses}`,
  );
}
