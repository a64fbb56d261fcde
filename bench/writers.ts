/**
 * Issue 24 (hardening): 50 concurrent writers on one tenant. Every alert created appends to the tenant's
 * audit chain under its advisory lock, so one tenant's writes are serialised; the api has the default
 * pool of 10 connections. Reports the writes/s one tenant sustains, latency, and every answer that was
 * not 201 (503 overloaded with Retry-After is the only other allowed answer; a 500 is a defect).
 */
import { loadavg } from 'node:os';

import { Pool } from 'pg';

import { publicId } from '../libs/common/src/ids/public-id';
import { applyMigrations } from '../libs/database/src/migrator/migrator';
import { benchToken, benchUrl, startApi } from './alerts';
import { percentile } from './sql-load';
import { machine, writeSection } from './report';
import { freePort } from '../scripts/free-port';

const WRITERS = 50;
const SECONDS = Number(process.env.BENCH_WRITERS_SECONDS ?? 60);

function writersUrl(): string {
  return benchUrl('alert_ledger_bench_writers');
}

export async function runWriters(): Promise<void> {
  const url = writersUrl();
  await applyMigrations(url);
  const pool = new Pool({ connectionString: url, max: 1 });
  const tenantId = publicId('tnt');
  await pool.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [tenantId, 'Bench writers', `bench-writers-${Date.now()}`]);
  const token = benchToken(tenantId, ['alerts:write']);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const port = await freePort();
  const api = await startApi(url, port, { DATABASE_POOL_SIZE: '10' });
  try {
    const statuses = new Map<number, number>();
    let retryAfterMissing = 0;
    const latencies: number[] = [];
    let n = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const writer = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const i = ++n;
        const started = Date.now();
        const response = await fetch(`http://127.0.0.1:${port}/v1/alerts`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: 'intrusion', source: 'bench', title: `Writer ${i}`, severity: 'low', alertable_type: 'manual', alertable_id: `w-${i}` }),
        });
        await response.arrayBuffer();
        latencies.push(Date.now() - started);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 503 && !response.headers.get('retry-after')) retryAfterMissing++;
      }
    };
    const loadBefore = loadavg()[0];
    const startedAt = Date.now();
    await Promise.all(Array.from({ length: WRITERS }, () => writer()));
    const elapsed = (Date.now() - startedAt) / 1000;
    const load = `${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
    latencies.sort((a, b) => a - b);
    const created = statuses.get(201) ?? 0;
    const stored = Number((await pool.query('SELECT count(*) AS n FROM alerts WHERE tenant_id = $1', [tenantId])).rows[0].n);
    const events = Number((await pool.query('SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1', [tenantId])).rows[0].n);
    const others =
      [...statuses.entries()]
        .filter(([status]) => status !== 201)
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ') || 'none';
    const line = `| ${WRITERS} writers, ${SECONDS} s, pool 10 | ${Math.round(created / elapsed)} | ${percentile(latencies, 50)} ms | ${percentile(latencies, 99)} ms | ${others} |`;
    console.log(line);
    writeSection(
      'writers',
      `## 50 writers on one tenant (issue 24: hardening)

${machine()}. \`npm run bench -- writers\`: ${WRITERS} clients each POST /v1/alerts in a loop for ${SECONDS} s against one
tenant (api with DATABASE_POOL_SIZE=10, its own database \`alert_ledger_bench_writers\`). Every alert appends
to the tenant's hash-chained audit trail under the tenant's advisory lock, so this is the rate one tenant's
writes sustain. Writes/s counts 201 answers; any other answer is listed (503 overloaded, with Retry-After,
is the only allowed one; ${retryAfterMissing} 503 lacked Retry-After). ${stored} alerts and ${events} audit
events were stored, one per 201.

| case | writes/s | p50 | p99 | answers other than 201 |
|---|---|---|---|---|
${line}

Target: no error (no 500; no 503 at this load) and p99 under 1 s. The machine is shared with other
engineers' test runs (2 cores; one-minute load average ${load} the run), so these numbers are a floor, not
a steady state: the writes are serialised by the lock, and the lock holder's next statement waits for a
busy event loop and busy cores like everything else. p50 is the queue (50 writers ÷ writes/s).`,
    );
  } finally {
    api.kill();
    await pool.end();
  }
}
