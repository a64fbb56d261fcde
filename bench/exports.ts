/**
 * Issue: exports. From the 1,000,000-alert data set, all alerts of one tenant: rows/s and the worker's
 * peak RSS for CSV and XLSX, beside a straight `COPY … TO STDOUT` of the same rows; a PDF of the same
 * rows rendered with one Chromium page (the single-page limit) and with one page per core.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

import { waitForHttp } from '../scripts/wait-for-http';
import { benchToken, benchUrl, ensureData, startApi } from './alerts';
import { machine, writeSection } from './report';
import { BUILT_MAIN } from '../scripts/built-apps';

export const API_PORT = 3914;
const WORKER_PORT = 3915;

interface Run {
  label: string;
  rows: number;
  seconds: number;
  peakRssMb: number;
  sizeMb: number;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

export async function startWorker(url: string, exportDir: string, env: Record<string, string>, port = WORKER_PORT): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BUILT_MAIN.worker], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      WORKER_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      EXPORT_DIR: exportDir,
      EXPORTS_IN_PROCESS: 'false',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/live`, { child, name: 'worker' });
  return child;
}

/** One export through the api and a fresh worker: rows/s from the job's own start and end, and the worker's peak RSS. */
export async function exportRun(
  label: string,
  url: string,
  exportDir: string,
  headers: Record<string, string>,
  body: object,
  workerEnv: Record<string, string> = {},
): Promise<Run> {
  const worker = await startWorker(url, exportDir, workerEnv);
  try {
    const created = await fetch(`http://127.0.0.1:${API_PORT}/v1/exports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { data } = (await created.json()) as { data: { job_id: string } };
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${API_PORT}/v1/exports/${data.job_id}`, { headers });
      const job = (
        (await response.json()) as {
          data: { status: string; started_at: string; completed_at: string; total_records: number; size_bytes: number; error_message: string | null };
        }
      ).data;
      if (job.status === 'completed') {
        const seconds = (Date.parse(job.completed_at) - Date.parse(job.started_at)) / 1000;
        return {
          label,
          rows: job.total_records,
          seconds,
          peakRssMb: await peakRssMb(worker.pid as number),
          sizeMb: Math.round((job.size_bytes / 2 ** 20) * 10) / 10,
        };
      }
      if (!['pending', 'processing'].includes(job.status)) throw new Error(`${label}: export ${job.status}: ${job.error_message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
}

/** The CSV limit: PostgreSQL's own COPY of the same rows, in the same order, into a file. */
export async function copyRun(url: string, tenant: string, dir: string): Promise<Run> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    const copy = () =>
      pipeline(
        client.query(copyTo(`COPY (SELECT * FROM alerts WHERE tenant_id = '${tenant}' ORDER BY created_at, id) TO STDOUT WITH (FORMAT csv, HEADER)`)),
        createWriteStream(join(dir, 'copy.csv')),
      );
    // Once to warm the cache (the exports after it find the rows cached too), then measured.
    await copy();
    const started = Date.now();
    await copy();
    const seconds = (Date.now() - started) / 1000;
    const rows = Number((await client.query('SELECT count(*) AS n FROM alerts WHERE tenant_id = $1', [tenant])).rows[0].n);
    return { label: 'COPY … TO STDOUT (csv)', rows, seconds, peakRssMb: 0, sizeMb: 0 };
  } finally {
    client.release();
    await pool.end();
  }
}

export async function runExports(): Promise<void> {
  const url = benchUrl();
  await ensureData(url);
  const pool = new Pool({ connectionString: url, max: 1 });
  const tenant = (await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'demo-tenant-01'")).rows[0].id;
  await pool.end();
  const token = benchToken(tenant, ['alerts:read', 'exports:read', 'exports:write']);
  const headers = { authorization: `Bearer ${token}` };
  const dir = await mkdtemp(join(tmpdir(), 'alert-ledger-bench-exports-'));
  const exportDir = join(dir, 'exports');
  process.env.EXPORT_DIR = exportDir;
  process.env.EXPORTS_IN_PROCESS = 'false';
  const api = await startApi(url, API_PORT);
  const runs: Run[] = [];
  try {
    const all = { resource: 'alerts', scope: 'all', timezone: 'Asia/Jakarta' };
    runs.push(await copyRun(url, tenant, dir));
    runs.push(await exportRun('CSV export (two part threads, the default)', url, exportDir, headers, { ...all, format: 'csv' }));
    runs.push(
      await exportRun('CSV export, the job’s own thread only (EXPORT_THREADS=1)', url, exportDir, headers, { ...all, format: 'csv' }, { EXPORT_THREADS: '1' }),
    );
    runs.push(await exportRun('XLSX export', url, exportDir, headers, { ...all, format: 'xlsx' }));
    runs.push(await exportRun('PDF, one Chromium page (the single-page limit)', url, exportDir, headers, { ...all, format: 'pdf' }, { EXPORT_PDF_PAGES: '1' }));
    runs.push(await exportRun('PDF, two pages (both cores)', url, exportDir, headers, { ...all, format: 'pdf' }, { EXPORT_PDF_PAGES: '2' }));
  } finally {
    api.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
  const rate = (run: Run) => Math.round(run.rows / run.seconds);
  const [copy, csv, csvOneThread, xlsx, pdfOne, pdfTwo] = runs;
  const table = runs
    .map(
      (run) =>
        `| ${run.label} | ${run.rows.toLocaleString('en')} | ${run.seconds.toFixed(1)} | ${rate(run).toLocaleString('en')} | ${run.peakRssMb ? `${run.peakRssMb} MB` : '–'} | ${run.sizeMb ? `${run.sizeMb} MB` : '–'} |`,
    )
    .join('\n');
  writeSection(
    'exports',
    `
## Exports (issue: asynchronous exports)

Machine: ${machine()}. All alerts of one tenant of the 1,000,000-alert data set, time zone Asia/Jakarta, each
export run by a fresh worker process (\`dist/apps/worker\`) fed through the api; rows/s from the job's own
started_at and completed_at; peak RSS is the worker's VmHWM (Chromium runs in its own processes).

| Run | Rows | Seconds | Rows/s | Worker peak RSS | File |
|---|---:|---:|---:|---:|---:|
${table}

- CSV reaches **${Math.round((rate(csv) / rate(copy)) * 100)}%** of COPY's rows/s (target: at least 50%); ${Math.round((rate(csvOneThread) / rate(copy)) * 100)}% with the job's own thread only.
- Worker peak RSS: CSV ${csv.peakRssMb} MB (${csvOneThread.peakRssMb} MB with one thread), XLSX ${xlsx.peakRssMb} MB, PDF ${pdfTwo.peakRssMb} MB (target: under 512 MB whatever the size).
- PDF: **${rate(pdfTwo).toLocaleString('en')} rows/s** with two pages (target: at least 1,500 rows/s using both cores), ${rate(pdfOne).toLocaleString('en')} rows/s with one.
`,
  );
}
