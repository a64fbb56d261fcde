import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { startExport, waitForExport } from './utils/exports';
import { promtoolCheck, sample } from './utils/metrics';
import { alertRow, World } from './utils/world';
import { freePort } from '../scripts/free-port';

/** The nice value of each thread of a process: field 19 of /proc/<pid>/task/<tid>/stat (the fields after the name's closing parenthesis start at 3). */
function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
  });
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/**
 * /metrics of the api and of a real worker process, checked by Prometheus' own `promtool check metrics`,
 * and the application metrics moving with what happens: export jobs by format and final status, their
 * durations and rows, queue sizes, audit-chain verifications. Api and worker use a Redis prefix of
 * their own, so that no other spec's consumer takes these jobs.
 */
describe('/metrics of api and worker', () => {
  const world = new World();
  const saved = { REDIS_PREFIX: process.env.REDIS_PREFIX, EXPORTS_IN_PROCESS: process.env.EXPORTS_IN_PROCESS };
  const env = { REDIS_PREFIX: `${process.env.REDIS_PREFIX}:metrics`, EXPORTS_IN_PROCESS: 'false' };
  let api: TestApi;
  let worker: ChildProcess | undefined;
  let workerUrl: string;
  let tenant: Tenant;
  let headers: Record<string, string>;

  beforeAll(async () => {
    tenant = await world.tenant('Metrics');
    headers = world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write', 'audit:read'], 'metrics-operator');
    await world.prisma.alert.createMany({ data: Array.from({ length: 5 }, () => alertRow(tenant.id)) });
    Object.assign(process.env, env);
    api = await startApi();
  });

  afterAll(async () => {
    try {
      if (worker?.pid) process.kill(-worker.pid, 'SIGKILL');
    } catch {
      // The worker has already gone (it failed to start: its stderr is printed then).
    }
    await api?.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await world.close();
  });

  it('should count, in the api, a cancelled export, the queue it waited in and a chain verification', async () => {
    // No worker yet: the job waits in the queue until it is cancelled.
    const id = await startExport(api, { resource: 'alerts', format: 'xlsx', scope: 'all' }, headers);
    expect(sample(await scrape(api.baseUrl), 'alert_ledger_queue_jobs', { queue: 'exports', state: 'waiting' })).toBe(1);
    expect((await http(api, 'DELETE', `/v1/exports/${id}`, { headers })).status).toBe(200);
    expect((await http(api, 'GET', '/v1/audit-trail/verify', { headers })).status).toBe(200);

    const body = await scrape(api.baseUrl);
    expect(sample(body, 'alert_ledger_export_jobs_total', { format: 'xlsx', status: 'cancelled' })).toBe(1);
    expect(sample(body, 'alert_ledger_queue_jobs', { queue: 'exports', state: 'waiting' })).toBe(0);
    expect(body).toContain('alert_ledger_queue_jobs{queue="exports",state="failed"} 0');
    expect(sample(body, 'alert_ledger_audit_chain_verifications_total', { scope: 'chain' })).toBe(1);
    expect(sample(body, 'alert_ledger_audit_chain_verification_failures_total', { scope: 'chain' })).toBe(0);
    expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
  });

  it('should count, in the worker, the exports it completed with their durations and rows, and the window it verified', async () => {
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    // Its own process group, so that killing it also kills its Chromium.
    worker = spawn(process.execPath, ['-r', './scripts/ts-register.js', 'apps/worker/src/main.ts'], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, ...env, HOST: '127.0.0.1', WORKER_PORT: String(port), WORKER_NICE: '12', LOG_LEVEL: 'fatal' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    worker.on('exit', (code) => code !== null && code !== 0 && console.error(`the worker exited with ${code}:\n${stderr}`));
    const csv = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'all' }, headers);
    const pack = await startExport(api, { resource: 'alerts', format: 'evidence-pack', scope: 'all' }, headers);
    expect((await waitForExport(api, csv, headers, undefined, 150_000)).status).toBe('completed');
    expect((await waitForExport(api, pack, headers, undefined, 150_000)).status).toBe('completed');

    const body = await scrape(workerUrl);
    expect(sample(body, 'alert_ledger_export_jobs_total', { format: 'csv', status: 'completed' })).toBe(1);
    expect(sample(body, 'alert_ledger_export_jobs_total', { format: 'evidence-pack', status: 'completed' })).toBe(1);
    expect(sample(body, 'alert_ledger_export_duration_seconds_count', { format: 'csv', status: 'completed' })).toBe(1);
    expect(sample(body, 'alert_ledger_export_duration_seconds_sum', { format: 'csv', status: 'completed' })).toBeGreaterThan(0);
    expect(sample(body, 'alert_ledger_export_rows_sum', { format: 'csv' })).toBe(5);
    expect(sample(body, 'alert_ledger_export_rows_bucket', { format: 'csv', le: '10' })).toBe(1);
    expect(sample(body, 'alert_ledger_audit_chain_verifications_total', { scope: 'window' })).toBe(1);
    expect(sample(body, 'alert_ledger_audit_chain_verification_failures_total', { scope: 'window' })).toBe(0);
    // The worker holds both queues; the sweep waits as a delayed repeatable job.
    expect(sample(body, 'alert_ledger_queue_jobs', { queue: 'exports', state: 'delayed' })).toBe(1);
    expect(body).toContain('alert_ledger_queue_jobs{queue="retention",state="waiting"} 0');
    expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
    // The api ran none of them.
    expect(sample(await scrape(api.baseUrl), 'alert_ledger_export_jobs_total', { format: 'csv', status: 'completed' })).toBe(0);
    // Every thread of the worker, those started before its start-up lowered the priority and those after, runs at WORKER_NICE.
    expect(new Set(threadNiceValues(worker.pid as number))).toEqual(new Set([12]));
  }, 240_000);
});
