import { Client } from 'pg';

import { mintDevToken, Scope } from '@app/auth';
import { publicId } from '@app/common';

import { applyMigrations } from '../libs/database/src/migrator/migrator';
import { http } from './utils/api';
import { parseCsv } from './utils/exports';
import { sample } from './utils/metrics';
import { AppProcess, privateReplicaPair, PrivateReplicaPair, startApp } from './utils/processes';

/**
 * DATABASE_READ_URL against a real streaming replica: a private PostgreSQL primary and a replica made from
 * it with pg_basebackup, an api and a worker started on both. Replay is paused to make the replica fall
 * behind, and the replica's server is stopped, as an operator would meet them.
 */
describe('a streaming read replica (DATABASE_READ_URL)', () => {
  const database = 'alert_ledger_replica';
  const tenantId = publicId('tnt');
  const token = (scopes: Scope[]) =>
    `Bearer ${mintDevToken(process.env.JWT_SECRET as string, { sub: 'replica-operator', tenantId, scopes, issuer: null, audience: null })}`;
  const headers = { authorization: token(['alerts:read', 'alerts:write', 'alerts:ingest', 'exports:read', 'exports:write']) };
  let pair: PrivateReplicaPair;
  let primary: Client;
  let replica: Client;
  let api: AppProcess;
  let worker: AppProcess;

  /** A request of the operator through the api. */
  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => http<T>(api, method, path, { body, headers });

  async function metrics(process: AppProcess): Promise<string> {
    return (await fetch(`${process.baseUrl}/metrics`)).text();
  }

  async function readiness(process: AppProcess): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
    const response = await fetch(`${process.baseUrl}/health/ready`);
    return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
  }

  async function replicaState(process: AppProcess, state: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await readiness(process)).body.checks.replica !== state) {
      if (Date.now() > deadline) throw new Error(`${process.baseUrl}: the replica is not ${state} after 30 s`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async function createAlert(title: string): Promise<string> {
    const created = await call<{ data: { id: string } }>('POST', '/v1/alerts', {
      type: 'replica',
      source: 'replica-spec',
      title,
      severity: 'high',
    });
    expect(created.status).toBe(201);
    return created.body.data.id;
  }

  beforeAll(async () => {
    pair = await privateReplicaPair();
    const primaryUrl = pair.primary.url(database);
    await applyMigrations(primaryUrl);
    primary = new Client({ connectionString: primaryUrl });
    await primary.connect();
    await primary.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [tenantId, 'Replica', 'replica']);
    replica = new Client({ connectionString: pair.replica.url(database) });
    await replica.connect();
    const env = {
      DATABASE_URL: primaryUrl,
      DATABASE_READ_URL: pair.replica.url(database),
      READ_MAX_LAG_SECONDS: '5',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX as string}:replica`,
      EXPORTS_IN_PROCESS: 'false',
      RATE_LIMIT_PER_MINUTE: '100000',
      // Every export of more than 10 records is written in parts, by threads that import the job's snapshot.
      EXPORT_THREADS: '2',
      EXPORT_PARALLEL_MIN_RECORDS: '10',
      EXPORT_PART_RECORDS: '10',
    };
    [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
    for (let i = 0; i < 30; i++) await createAlert(`Seeded ${i}`);
    await Promise.all([replicaState(api, 'up'), replicaState(worker, 'up')]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await Promise.all([primary?.end(), replica?.end().catch(() => undefined)]);
    await pair?.drop();
  }, 60_000);

  it('should report the replica up and answer GET reads from it', async () => {
    const ready = await readiness(api);
    expect(ready).toEqual({ status: 200, body: { status: 'ok', checks: { database: 'up', redis: 'up', browser: 'up', replica: 'up' } } });
    const before = sample(await metrics(api), 'alert_ledger_database_reads_total', { server: 'replica' }) ?? 0;
    const list = await call<{ items: unknown[] }>('GET', '/v1/alerts?type=replica&page_size=100');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(30);
    expect(sample(await metrics(api), 'alert_ledger_database_reads_total', { server: 'replica' })).toBeGreaterThan(before);
  });

  it('should answer a write’s own reads from the primary and GET reads from a replica that lags less than READ_MAX_LAG_SECONDS, then from the primary', async () => {
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const id = await createAlert('Written while replay is paused');
      // The replica has not replayed the alert: a GET (served there) does not find it yet...
      expect((await call('GET', `/v1/alerts/${id}`)).status).toBe(404);
      // ...while a write reads it back from the primary.
      const acknowledged = await call<{ data: { id: string; status: string } }>('POST', `/v1/alerts/${id}/acknowledge`, {});
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body.data).toEqual(expect.objectContaining({ id, status: 'acknowledged' }));

      // Past READ_MAX_LAG_SECONDS the replica is lagging: the process stays ready, says so, and reads from the primary.
      await replicaState(api, 'lagging');
      expect(await readiness(api)).toEqual({
        status: 200,
        body: { status: 'degraded', checks: expect.objectContaining({ database: 'up', replica: 'lagging' }) },
      });
      const lagging = await call<{ data: { status: string } }>('GET', `/v1/alerts/${id}`);
      expect(lagging.status).toBe(200);
      expect(lagging.body.data.status).toBe('acknowledged');
      const body = await metrics(api);
      expect(sample(body, 'alert_ledger_replica_fallback_reads_total', { reason: 'lagging' })).toBeGreaterThan(0);
      expect(sample(body, 'alert_ledger_replica_lag_seconds')).toBeGreaterThan(5);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await replicaState(api, 'up');
    expect((await readiness(api)).body.status).toBe('ok');
  }, 60_000);

  it('should read from the primary while the replica’s server is stopped, say so, and use the replica again once it is back', async () => {
    const before = sample(await metrics(api), 'alert_ledger_replica_fallback_reads_total', { reason: 'down' }) ?? 0;
    await replica.end();
    await pair.replica.stop();
    try {
      // The first read may still be sent to the replica: it fails there and the primary answers it.
      const id = await createAlert('Written while the replica is stopped');
      const detail = await call<{ data: { id: string } }>('GET', `/v1/alerts/${id}`);
      expect(detail.status).toBe(200);
      const list = await call<{ items: { id: string }[] }>('GET', '/v1/alerts?type=replica&page_size=100');
      expect(list.status).toBe(200);
      expect(list.body.items.map((alert) => alert.id)).toContain(id);
      const stats = await call('GET', '/v1/alerts/stats/severity');
      expect(stats.status).toBe(200);
      await replicaState(api, 'down');
      expect(await readiness(api)).toEqual({ status: 200, body: { status: 'degraded', checks: expect.objectContaining({ database: 'up', replica: 'down' }) } });
      expect(sample(await metrics(api), 'alert_ledger_replica_fallback_reads_total', { reason: 'down' })).toBeGreaterThan(before);
      expect(api.alive()).toBe(true);
    } finally {
      await pair.replica.start();
      replica = new Client({ connectionString: pair.replica.url(database) });
      await replica.connect();
    }
    await pair.streaming();
    await replicaState(api, 'up');
    const served = sample(await metrics(api), 'alert_ledger_database_reads_total', { server: 'replica' }) ?? 0;
    expect((await call('GET', '/v1/alerts?page_size=1')).status).toBe(200);
    expect(sample(await metrics(api), 'alert_ledger_database_reads_total', { server: 'replica' })).toBeGreaterThan(served);
  }, 120_000);

  it('should export from the replica in parts once it has replayed the alerts sent before the export', async () => {
    await replicaState(worker, 'up');
    const before = sample(await metrics(worker), 'alert_ledger_database_reads_total', { server: 'replica' }) ?? 0;
    await replica.query('SELECT pg_wal_replay_pause()');
    let id: string;
    let job: string;
    try {
      id = await createAlert('Sent just before the export');
      const accepted = await call<{ data: { job_id: string } }>('POST', '/v1/exports', {
        resource: 'alerts',
        format: 'csv',
        scope: 'filtered',
        filters: { type: ['replica'] },
      });
      expect(accepted.status).toBe(202);
      job = accepted.body.data.job_id;
      // The worker has claimed the job and waits for the replica to replay what came before it (up to READ_MAX_LAG_SECONDS).
      const claimedBy = Date.now() + 30_000;
      while ((await call<{ data: { status: string } }>('GET', `/v1/exports/${job}`)).body.data.status === 'pending') {
        if (Date.now() > claimedBy) throw new Error('the export was not claimed in 30 s');
        await new Promise((done) => setTimeout(done, 50));
      }
      await new Promise((done) => setTimeout(done, 500));
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    const deadline = Date.now() + 90_000;
    let status: { status: string; manifest: { row_count: number } | null; error_message: string | null };
    for (;;) {
      status = (await call<{ data: typeof status }>('GET', `/v1/exports/${job}`)).body.data;
      if (!['pending', 'processing'].includes(status.status) || Date.now() > deadline) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    expect({ status: status.status, error: status.error_message }).toEqual({ status: 'completed', error: null });
    const expected = (await primary.query<{ n: number }>("SELECT count(*)::int AS n FROM alerts WHERE tenant_id = $1 AND type = 'replica'", [tenantId])).rows[0]
      .n;
    expect(status.manifest?.row_count).toBe(expected);
    const download = await fetch(`${api.baseUrl}/v1/exports/${job}/download`, { headers });
    expect(download.status).toBe(200);
    const [header, ...rows] = parseCsv((await download.text()).replace(/^\uFEFF/, '')).filter((row) => row.length > 1);
    const ids = rows.map((row) => row[header.indexOf('id')]);
    expect(ids).toHaveLength(expected);
    expect(ids).toContain(id);
    expect(sample(await metrics(worker), 'alert_ledger_database_reads_total', { server: 'replica' })).toBe(before + 1);
  }, 120_000);
});
