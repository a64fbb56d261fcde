/**
 * Issue 17 (several machines): a 50,000-row CSV export downloaded through a second api process from Swift
 * (EXPORT_STORAGE=s3) beside one api serving it from local disk, and the alert list (a) with its reads on a
 * streaming replica (DATABASE_READ_URL) beside the same api reading the primary. A private PostgreSQL
 * primary and replica pair (the tests' privateReplicaPair) holds the 1,000,000-alert data set.
 */
import { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, ClientRequest, request } from 'node:http';

import { Pool } from 'pg';

import { seedDatabase } from '../libs/database/src/seed/seed-database';
import { privateReplicaPair } from '../test/utils/processes';
import { privateSwift } from '../test/utils/swift';
import { benchToken, startApi, stopProcesses } from './alerts';
import { startWorker } from './exports';
import { load, LoadResult } from './load';
import { machine, writeSection } from './report';
import { percentile } from './sql-load';

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const DATABASE = 'alert_ledger_bench_deployment';
const DOWNLOADS = 10;
const LIST_SECONDS = 10;
const ROUNDS = 3;

interface Download {
  ttfbMs: number;
  seconds: number;
  bytes: number;
}

/** One download on a fresh connection: the time to its first body byte and to its end. */
function download(url: string, headers: Record<string, string>): Promise<Download> {
  const agent = new Agent({ keepAlive: false });
  const started = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise<Download>((resolve, reject) => {
    request(url, { agent, headers, timeout: 60_000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url}: ${response.statusCode}`));
        return;
      }
      let ttfb = 0;
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (bytes === 0) ttfb = since();
        bytes += chunk.length;
      });
      response.once('error', reject).once('end', () => resolve({ ttfbMs: ttfb * 1000, seconds: since(), bytes }));
    })
      .once('timeout', function (this: ClientRequest) {
        this.destroy(new Error(`no answer from ${url} in 60 s`));
      })
      .once('error', reject)
      .end();
  }).finally(() => agent.destroy());
}

/** Exports the tenant's alerts as CSV through `api` and waits for the file. */
async function exportCsv(api: string, headers: Record<string, string>): Promise<{ id: string; rows: number; bytes: number }> {
  const created = await fetch(`${api}/v1/exports`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ resource: 'alerts', format: 'csv', scope: 'all' }),
  });
  const { data } = (await created.json()) as { data: { job_id: string } };
  for (;;) {
    const job = (
      (await (await fetch(`${api}/v1/exports/${data.job_id}`, { headers })).json()) as {
        data: { status: string; total_records: number; size_bytes: number; error_message: string | null };
      }
    ).data;
    if (job.status === 'completed') return { id: data.job_id, rows: job.total_records, bytes: job.size_bytes };
    if (!['pending', 'processing'].includes(job.status)) throw new Error(`export ${job.status}: ${job.error_message}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface DownloadRun {
  label: string;
  rows: number;
  mb: number;
  ttfbP50: number;
  mbPerSecond: number;
}

/** DOWNLOADS downloads of one export, each through the next of `apis`: the median time to first byte and the median throughput. */
async function downloads(label: string, apis: string[], id: string, rows: number, headers: Record<string, string>): Promise<DownloadRun> {
  const runs: Download[] = [];
  await download(`${apis[0]}/v1/exports/${id}/download`, headers); // warm: the first read of the file
  for (let i = 0; i < DOWNLOADS; i++) runs.push(await download(`${apis[i % apis.length]}/v1/exports/${id}/download`, headers));
  const mb = runs[0].bytes / 2 ** 20;
  return {
    label,
    rows,
    mb: Math.round(mb * 10) / 10,
    ttfbP50: Math.round(median(runs.map((run) => run.ttfbMs)) * 10) / 10,
    mbPerSecond: Math.round(median(runs.map((run) => mb / run.seconds))),
  };
}

/** Where the reads of `api` went (its alert_ledger_database_reads_total by server). */
async function readsBy(api: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const found: Record<string, number> = {};
  for (const match of text.matchAll(/^alert_ledger_database_reads_total\{server="(\w+)"\} (\d+)/gm)) found[match[1]] = Number(match[2]);
  return found;
}

export async function runDeployment(): Promise<void> {
  const pair = await privateReplicaPair();
  const swift = await privateSwift('alert-ledger-bench');
  const dir = await mkdtemp(join(tmpdir(), 'alert-ledger-bench-deployment-'));
  const children: ChildProcess[] = [];
  const primary = pair.primary.url(DATABASE);
  const replica = pair.replica.url(DATABASE);
  try {
    const seededAt = Date.now();
    await seedDatabase(primary, { alerts: 1_000_000, tenants: 20, seed: 1, until: Date.UTC(2026, 10, 1), log: () => undefined });
    const seedSeconds = Math.round((Date.now() - seededAt) / 1000);
    await pair.streaming();
    const pool = new Pool({ connectionString: primary, max: 1 });
    const tenant = (await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo-tenant-01'")).rows[0].id;
    await pool.end();
    const headers = { authorization: `Bearer ${benchToken(tenant, ['alerts:read', 'exports:read', 'exports:write'])}` };
    const base = { EXPORTS_IN_PROCESS: 'false', EXPORT_DIR: join(dir, 'local') };
    const s3 = { ...base, ...swift.env, EXPORT_DIR: join(dir, 's3-work') };

    // One api and one worker on local disk, then two apis and a worker on Swift, one after the other.
    const local = await startApi(primary, 3931, base);
    children.push(local, await startWorker(primary, base.EXPORT_DIR, base, 3932));
    const localExport = await exportCsv('http://127.0.0.1:3931', headers);
    const localRun = await downloads('one api, local disk', ['http://127.0.0.1:3931'], localExport.id, localExport.rows, headers);
    await stopProcesses(children.splice(0));

    const [api1, api2] = await Promise.all([startApi(primary, 3933, s3), startApi(primary, 3934, s3)]);
    children.push(api1, api2, await startWorker(primary, s3.EXPORT_DIR, s3, 3935));
    const s3Export = await exportCsv('http://127.0.0.1:3933', headers);
    const s3Other = await downloads(
      'two apis, Swift: each download through the api that did not start it',
      ['http://127.0.0.1:3934'],
      s3Export.id,
      s3Export.rows,
      headers,
    );
    const s3Both = await downloads(
      'two apis, Swift: downloads alternating between them',
      ['http://127.0.0.1:3933', 'http://127.0.0.1:3934'],
      s3Export.id,
      s3Export.rows,
      headers,
    );
    await stopProcesses(children.splice(0));

    // List (a): the same api build on the primary alone and with its reads on the replica, alternated.
    const until = new Date(Date.UTC(2026, 10, 1));
    const qs = new URLSearchParams({
      severity: 'high,critical',
      status: 'open,acknowledged',
      created_from: new Date(until.getTime() - 30 * 86_400_000).toISOString(),
      created_to: until.toISOString(),
      pagination: 'cursor',
      page_size: '50',
    });
    const list = { primary: [] as LoadResult[], replica: [] as LoadResult[] };
    let reads: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const where of ['primary', 'replica'] as const) {
        const api = await startApi(primary, 3936, where === 'replica' ? { DATABASE_READ_URL: replica } : {});
        children.push(api);
        const url = `http://127.0.0.1:3936/v1/alerts?${qs}`;
        if (where === 'replica') await waitForReplica('http://127.0.0.1:3936');
        await load(url, { seconds: 2, connections: 16, headers });
        list[where].push(await load(url, { seconds: LIST_SECONDS, connections: 16, headers }));
        if (where === 'replica') reads = await readsBy('http://127.0.0.1:3936');
        await stopProcesses(children.splice(0));
      }
    }

    const middle = (runs: LoadResult[], key: 'requestsPerSecond' | 'p50' | 'p99') => median(runs.map((run) => run[key]));
    const row = (run: DownloadRun) => `| ${run.label} | ${run.rows.toLocaleString('en')} | ${run.mb} | ${run.ttfbP50} | ${run.mbPerSecond} |`;
    const listRow = (label: string, runs: LoadResult[]) =>
      `| ${label} | ${runs.map((run) => run.requestsPerSecond).join(' / ')} | ${Math.round(middle(runs, 'requestsPerSecond'))} | ${middle(runs, 'p50')} | ${middle(runs, 'p99')} | ${runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0)} |`;
    writeSection(
      'deployment',
      `
## Several machines (issue 17)

Machine: ${machine()}. A private PostgreSQL primary and its streaming replica (pg_basebackup, hot standby)
on this machine, holding the 1,000,000-alert data set (seeded in ${seedSeconds} s); a private Swift with
s3api (scripts/swift.sh) on this machine too. Built api and worker (\`dist/\`).

**Export downloads**: one CSV export of every alert of one tenant, downloaded ${DOWNLOADS} times on a new
connection each (after one download not counted), through node:http; median time to the first body byte and
median throughput.

| Run | Rows | File (MB) | Time to first byte, p50 (ms) | MB/s, p50 |
|---|---:|---:|---:|---:|
${[localRun, s3Other, s3Both].map(row).join('\n')}

**List (a)** (first cursor page: tenant + severity + status + 30 days, as in "Alert reads"): one api process,
${LIST_SECONDS} s of autocannon with 16 connections after 2 s of warm-up, ${ROUNDS} rounds alternating the
primary alone and \`DATABASE_READ_URL\` on the replica. The replica api's reads by server, from its
\`alert_ledger_database_reads_total\` in the last round: ${JSON.stringify(reads)}.

| Reads on | req/s per round | req/s (median) | p50 (ms) | p99 (ms) | non-2xx |
|---|---|---:|---:|---:|---:|
${listRow('the primary', list.primary)}
${listRow('the replica (DATABASE_READ_URL)', list.replica)}
`,
    );
  } finally {
    await stopProcesses(children);
    await swift.remove();
    await pair.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits until the api's /health/ready says the replica is up. */
async function waitForReplica(api: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await (await fetch(`${api}/health/ready`)).json()) as { checks: Record<string, string> };
    if (body.checks.replica === 'up') return;
    if (Date.now() > deadline) throw new Error(`the replica is ${body.checks.replica}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
