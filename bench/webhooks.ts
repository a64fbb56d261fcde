/**
 * Issue 19: webhooks and the live stream. Alertmanager ingestion with 3 webhook subscriptions on the
 * tenant beside the same without; deliveries a second to a receiver on loopback; 1,000 GET /v1/events
 * readers on one api process: commit-to-event latency and the api's memory. The api and a worker (the
 * outbox relay and the delivery consumer) run as the built processes, against a database of this suite's
 * own (100,000 seeded alerts), dropped at the end.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';

import Redis from 'ioredis';
import { Pool } from 'pg';

import { publicId } from '../libs/common/src/ids/public-id';
import { dropDatabase } from '../libs/database/src/migrator/migrator';
import { waitForHttp } from '../scripts/wait-for-http';
import { benchToken, benchUrl, ensureData, startApi } from './alerts';
import { postAlertmanagerLoad } from './ingest';
import { machine, writeSection } from './report';
import type { ReceiverReport } from './webhook-receiver';
import { BUILT_MAIN } from '../scripts/built-apps';

const PORT = 3915;
const WORKER_PORT = 3916;
const SECONDS = Number(process.env.BENCH_WEBHOOKS_SECONDS ?? 30);
const WORKERS = 8;
const STREAMS = Number(process.env.BENCH_SSE_STREAMS ?? 1000);
const SSE_ALERTS = 100;
/** A Redis prefix of this run's own: the backlog left at the end is removed with it. */
const REDIS_PREFIX = `alert-ledger-bench-webhooks-${process.pid}`;
/** The worker's and the receiver's priority: the setting for an api and a worker sharing cores (docs/ARCHITECTURE.md). */
const WORKER_NICE = process.env.BENCH_WORKER_NICE ?? '10';
const ENV = {
  REDIS_PREFIX,
  WORKER_NICE,
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  MAX_CONNECTIONS_PER_CLIENT: '5000',
  EVENTS_MAX_BUFFERED_BYTES: '4194304',
};

async function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds (user and system) used so far by the processes of each group: PostgreSQL's backends, Redis, and
 * the given processes. Differences over a phase say what its work cost and where, which the machine's other
 * load does not blur as it does rates.
 */
async function cpuSeconds(pids: Record<string, number>): Promise<Record<string, number>> {
  const totals: Record<string, number> = { postgres: 0, redis: 0, ...Object.fromEntries(Object.keys(pids).map((name) => [name, 0])) };
  const names = new Map(Object.entries(pids).map(([name, pid]) => [pid, name]));
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const group = names.get(Number(entry)) ?? (comm === 'postgres' ? 'postgres' : comm === 'redis-server' ? 'redis' : undefined);
    if (!group) continue;
    const fields = stat.slice(close + 2).split(' '); // from the state on: utime and stime are the 12th and 13th
    totals[group] += (Number(fields[11]) + Number(fields[12])) / TICKS;
  }
  return totals;
}

function cpuUsed(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, Math.max(0, after[name] - (before[name] ?? 0))]));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BUILT_MAIN.worker], {
    env: { ...process.env, DATABASE_URL: url, WORKER_PORT: String(WORKER_PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', EXPORTS_IN_PROCESS: 'false', ...ENV },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`http://127.0.0.1:${WORKER_PORT}/health/live`, { child, name: 'worker' });
  return child;
}

/** Starts bench/webhook-receiver.ts as its own process, and its controls: reset the count, report it, stop. */
async function startReceiver(): Promise<{ pid: number; url: string; reset: () => void; report: () => Promise<ReceiverReport>; stop: () => Promise<void> }> {
  const child = fork('bench/webhook-receiver.ts', [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, WORKER_NICE },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}/hook`,
    reset: () => child.send('reset'),
    report: () =>
      new Promise((resolve) => {
        child.once('message', resolve);
        child.send('report');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** Opens one GET /v1/events reader; calls `onEvent` with the arrival time and the data of each event. */
function openReader(token: string, onEvent: (at: number, data: { updated_at: string }) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: PORT, path: '/v1/events?types=alert.created', headers: { authorization: `Bearer ${token}` }, agent: false },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET /v1/events answered ${response.statusCode}`));
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = Date.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data) onEvent(at, (JSON.parse(data) as { data: { updated_at: string } }).data);
          }
        });
        resolve(() => req.destroy());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function runWebhooks(): Promise<void> {
  const url = benchUrl('alert_ledger_bench_webhooks');
  await ensureData(url, 100_000, 5);
  const pool = new Pool({ connectionString: url, max: 4 });
  const tenant = async (name: string) => {
    const id = publicId('tnt');
    await pool.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [id, name, `bench-webhooks-${id.slice(-10).toLowerCase()}`]);
    return id;
  };
  const receiver = await startReceiver();
  const api = await startApi(url, PORT, ENV);
  const worker = await startWorker(url);
  const rate = (load: { sent: number; elapsed: number }) => Math.round(load.sent / load.elapsed);
  const count = async (sql: string, values: unknown[] = []) => Number((await pool.query<{ n: string }>(sql, values)).rows[0].n);
  try {
    // The live stream first, on a quiet machine: STREAMS readers of one tenant, SSE_ALERTS alerts created one after another.
    const live = await tenant('Bench live');
    const readerToken = benchToken(live, ['alerts:read']);
    const rssBefore = await rssMb(api.pid as number);
    const latencies: number[] = [];
    const closers: (() => void)[] = [];
    for (let i = 0; i < STREAMS; i += 50) {
      closers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, STREAMS - i) }, () => openReader(readerToken, (at, data) => latencies.push(at - Date.parse(data.updated_at)))),
        )),
      );
    }
    await new Promise((done) => setTimeout(done, 2000));
    const rssOpen = await rssMb(api.pid as number);
    const creator = { authorization: `Bearer ${benchToken(live, ['alerts:write'])}`, 'content-type': 'application/json' };
    for (let i = 0; i < SSE_ALERTS; i++) {
      await fetch(`http://127.0.0.1:${PORT}/v1/alerts`, {
        method: 'POST',
        headers: creator,
        body: JSON.stringify({ type: 'bench', source: 'bench', title: `Live ${i}`, severity: 'high' }),
      }).then((r) => r.arrayBuffer());
      await new Promise((done) => setTimeout(done, 50));
    }
    const waitUntil = Date.now() + 30_000;
    while (latencies.length < STREAMS * SSE_ALERTS && Date.now() < waitUntil) await new Promise((done) => setTimeout(done, 200));
    const rssPeak = await rssMb(api.pid as number, 'VmHWM');
    closers.forEach((close) => close());
    latencies.sort((a, b) => a - b);

    // Ingestion without, then with, 3 subscriptions to the alert events on the tenant.
    const plain = await tenant('Bench plain');
    const ingestHeaders = (id: string) => ({ authorization: `Bearer ${benchToken(id, ['alerts:ingest'])}`, 'content-type': 'application/json' });
    await postAlertmanagerLoad(PORT, ingestHeaders(plain), 5, WORKERS); // warm-up
    const processes = { api: api.pid as number, worker: worker.pid as number, receiver: receiver.pid };
    const cpuAtStart = await cpuSeconds(processes);
    const without = await postAlertmanagerLoad(PORT, ingestHeaders(plain), SECONDS, WORKERS);
    const cpuWithout = cpuUsed(cpuAtStart, await cpuSeconds(processes));
    const hooked = await tenant('Bench hooked');
    const writer = { authorization: `Bearer ${benchToken(hooked, ['webhooks:write', 'alerts:read'])}`, 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) {
      const created = await fetch(`http://127.0.0.1:${PORT}/v1/webhooks`, {
        method: 'POST',
        headers: writer,
        body: JSON.stringify({ url: `${receiver.url}?s=${i}`, event_types: ['alert.created', 'alert.updated', 'alert.status_changed'] }),
      });
      if (created.status !== 201) throw new Error(`POST /v1/webhooks answered ${created.status}`);
    }
    receiver.reset();
    const cpuBeforeHooks = await cpuSeconds(processes);
    const withHooks = await postAlertmanagerLoad(PORT, ingestHeaders(hooked), SECONDS, WORKERS);
    const cpuWithHooks = cpuUsed(cpuBeforeHooks, await cpuSeconds(processes));
    const duringIngestion = await receiver.report();

    // Then the deliveries a second with the machine to the worker, for as long again; what is left is dropped with the database.
    receiver.reset();
    await new Promise((done) => setTimeout(done, SECONDS * 1000));
    const alone = await receiver.report();
    const made = await count('SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = $1', [hooked]);
    const backlog =
      (await count('SELECT count(*) AS n FROM outbox_events WHERE dispatched_at IS NULL')) +
      (await count("SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'pending'", [hooked]));
    const perSecond = (report: ReceiverReport, seconds: number) => Math.round(report.count / seconds);
    console.log(
      `webhooks: ingest ${rate(without)} → ${rate(withHooks)} alerts/s, ${perSecond(alone, SECONDS)} deliveries/s, SSE p99 ${percentile(latencies, 0.99)} ms`,
    );

    writeSection(
      'webhooks',
      `## Webhooks and the live stream (issue 19)

Machine: ${machine()}. A database of this suite's own (100,000 seeded alerts over 5 tenants); the built api
and one worker (the outbox relay and the delivery consumer) as processes, LOG_LEVEL=warn, the worker at
WORKER_NICE=${WORKER_NICE}; a receiver answering 204 in a process of its own at the same priority (it stands for systems
elsewhere); every client in the bench's process; everything shares the machine's 2 cores.

**Ingestion** (${WORKERS} clients, Alertmanager payloads of 100 alerts with 10% repeats, ${SECONDS} s each; the
outbox rows are written either way, the subscriptions add the relay's deliveries and their sending):

| tenant | alerts/s | p50 ms a payload | p99 ms a payload | failed payloads |
|---|---|---|---|---|
| no subscription | ${rate(without)} | ${percentile(without.latencies, 0.5)} | ${percentile(without.latencies, 0.99)} | ${without.failed} |
| 3 subscriptions (alert.created, .updated, .status_changed) | ${rate(withHooks)} | ${percentile(withHooks.latencies, 0.5)} | ${percentile(withHooks.latencies, 0.99)} | ${withHooks.failed} |

With subscriptions: ${((rate(withHooks) / rate(without) - 1) * 100).toFixed(1)}% (target: within 10%).

CPU seconds each phase used (ms per 1,000 alerts stored in brackets), from /proc:

| tenant | PostgreSQL | Redis | api | worker | receiver |
|---|---|---|---|---|---|
${[
  ['no subscription', cpuWithout, without.sent],
  ['3 subscriptions', cpuWithHooks, withHooks.sent],
]
  .map(
    ([name, used, sent]) =>
      `| ${name as string} | ${['postgres', 'redis', 'api', 'worker', 'receiver']
        .map((group) => {
          const seconds = (used as Record<string, number>)[group];
          return `${seconds.toFixed(1)} (${Math.round((seconds * 1e6) / (sent as number))})`;
        })
        .join(' | ')} |`,
  )
  .join('\n')}

**Deliveries** to a loopback receiver (the worker's consumer at 32 at once): ${perSecond(duringIngestion, withHooks.elapsed)}/s while
the ingestion above ran (${duringIngestion.count} in ${withHooks.elapsed.toFixed(0)} s), then **${perSecond(alone, SECONDS)}/s** in the ${SECONDS} s after it with the
machine to the worker (${alone.count}); ${made} deliveries made in all, ${backlog} events and deliveries still to send when the bench stopped.

**Live stream**: ${STREAMS} GET /v1/events readers on one api process; ${SSE_ALERTS} alerts created one every
50 ms; latency from the alert's \`updated_at\` (taken in its transaction, just before the commit) to each
reader's arrival: ${latencies.length} events received of ${STREAMS * SSE_ALERTS}, p50 ${percentile(latencies, 0.5)} ms, p99 **${percentile(latencies, 0.99)} ms**, max ${latencies[latencies.length - 1]} ms
(target: p99 under 200 ms). Api RSS ${rssBefore} MB before the readers, ${rssOpen} MB with them open (${(((rssOpen - rssBefore) * 1024) / STREAMS).toFixed(0)} KiB a reader), peak ${rssPeak} MB.`,
    );
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await Promise.all([api, worker].map((child) => new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)))));
    await receiver.stop();
    await pool.end();
    await dropDatabase(url);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      if ((cursor = next) === '0') break;
    }
    redis.disconnect();
  }
}
