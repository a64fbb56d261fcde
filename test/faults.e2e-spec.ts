import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';

import { mintDevToken, Scope } from '@app/auth';
import { publicId } from '@app/common';
import { PrismaClient } from '@app/database';

import { applyMigrations, dropDatabase } from '../libs/database/src/migrator/migrator';
import { PROFILE_ROOT } from '../libs/exports/src/pdf/chromium-profiles';
import { AppProcess, isRunning, privateCluster, privateRedis, processesWith, processGroupsOf, startApp, waitForStatus } from './utils/processes';
import { alertRow } from './utils/world';

/**
 * Faults of real infrastructure, tried on real api and worker processes as an operator would meet them:
 * every PostgreSQL connection of the database terminated every half second, a PostgreSQL cluster stopped
 * and started, Redis killed and started empty, a worker SIGKILLed while Chromium prints. The spec has a
 * database and a Redis prefix of its own (terminating backends must not touch other specs), a private
 * Redis and a private PostgreSQL cluster for the outages; the shared servers are never stopped.
 */
describe('faults of real infrastructure', () => {
  const databaseUrl = `${process.env.DATABASE_URL as string}_faults`;
  const redisPrefix = `${process.env.REDIS_PREFIX as string}:faults`;
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: redisPrefix,
    EXPORTS_IN_PROCESS: 'false',
    EXPORT_STALLED_SECONDS: '2',
    EXPORT_CLEANUP_INTERVAL_SECONDS: '1',
    RATE_LIMIT_PER_MINUTE: '100000',
    EXPORT_PARALLEL_MIN_RECORDS: '20000',
    EXPORT_PART_RECORDS: '5000',
  };
  const tenantId = publicId('tnt');
  const token = (scopes: Scope[]) => ({
    authorization: `Bearer ${mintDevToken(process.env.JWT_SECRET as string, { sub: 'operator', tenantId, scopes, issuer: null, audience: null })}`,
  });
  const headers = token(['alerts:read', 'alerts:write', 'alerts:ingest', 'audit:read', 'exports:read', 'exports:write']);
  const json = { ...headers, 'content-type': 'application/json' };
  let db: PrismaClient;
  const started: AppProcess[] = [];

  async function start(app: 'api' | 'worker', extra: Record<string, string> = {}): Promise<AppProcess> {
    const process = await startApp(app, { ...env, ...extra });
    started.push(process);
    return process;
  }

  beforeAll(async () => {
    await applyMigrations(databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    await db.tenant.create({ data: { id: tenantId, name: 'Faults', slug: `faults-${tenantId.slice(-8).toLowerCase()}` } });
    // Enough rows that a PDF is still printing when its worker is killed.
    await db.alert.createMany({
      data: Array.from({ length: 2_400 }, (_, i) => alertRow(tenantId, { type: 'bulk', createdAt: new Date(Date.UTC(2025, 5, 1) + i * 1000) })),
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  }, 60_000);

  /** Every answer of a traffic run by status; `bad` lists those that must never happen (a 5xx other than 503, a 503 without Retry-After, no answer). */
  interface Outcomes {
    statuses: Map<number, number>;
    bad: string[];
  }

  async function call(
    base: string,
    outcomes: Outcomes,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; headers: Headers }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? headers : json,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      outcomes.bad.push(`${method} ${path}: no answer (${(error as Error).message})`);
      return { status: 0, text: '', headers: new Headers() };
    }
    const text = await response.text();
    outcomes.statuses.set(response.status, (outcomes.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500 && response.status !== 503) outcomes.bad.push(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    if (response.status === 503 && !response.headers.get('retry-after')) outcomes.bad.push(`${method} ${path}: 503 without Retry-After`);
    return { status: response.status, text, headers: response.headers };
  }

  /** Mixed traffic until `stop()`: reads, creations, lifecycle changes and ingestion, in parallel loops. */
  function traffic(base: string, alertIds: string[]): { outcomes: Outcomes; stop(): Promise<void> } {
    const outcomes: Outcomes = { statuses: new Map(), bad: [] };
    let running = true;
    let n = 0;
    const pick = <T>(items: T[]): T => items[n % items.length];
    const loops = [
      async () => {
        const paths = ['/v1/alerts?page_size=20', '/v1/alerts/stats/severity', `/v1/alerts/${pick(alertIds)}`, `/v1/alerts/${pick(alertIds)}/timeline`];
        await call(base, outcomes, 'GET', paths[n % paths.length]);
      },
      async () => {
        const created = await call(base, outcomes, 'POST', '/v1/alerts', {
          type: 'fault',
          source: 'faults-spec',
          title: `Created under faults ${++n}`,
          severity: 'high',
        });
        if (created.status === 201) alertIds.push((JSON.parse(created.text) as { data: { id: string } }).data.id);
      },
      async () => {
        await call(base, outcomes, 'POST', `/v1/alerts/${pick(alertIds)}/${['acknowledge', 'escalate', 'resolve', 'reopen'][n++ % 4]}`, {
          note: 'tried under faults',
        });
      },
      async () => {
        const batch = `b${++n}`;
        const alerts = Array.from({ length: 5 }, (_, i) => ({
          status: 'firing',
          labels: { alertname: 'FaultSpec', batch, instance: `h${i}` },
          annotations: {},
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: `${batch}-${i}`,
        }));
        await call(base, outcomes, 'POST', '/v1/ingest/alertmanager', {
          version: '4',
          status: 'firing',
          receiver: 'faults',
          groupKey: batch,
          truncatedAlerts: 0,
          alerts,
        });
      },
    ];
    const done = Promise.all(
      loops.map(async (loop) => {
        while (running) await loop();
      }),
    );
    return {
      outcomes,
      stop: async () => {
        running = false;
        await done;
      },
    };
  }

  /** Alerts of the tenant whose timeline and audit events disagree: a write that was half applied. */
  async function halfWritten(): Promise<unknown[]> {
    return db.$queryRaw`
      SELECT a.id, a.version, (SELECT count(*) FROM alert_timeline t WHERE t.alert_id = a.id)::int AS timeline,
             (SELECT count(*) FROM audit_events e WHERE e.resource_type = 'alert' AND e.resource_id = a.id)::int AS audit
      FROM alerts a WHERE a.tenant_id = ${tenantId} AND a.type <> 'bulk'
        AND (SELECT count(*) FROM alert_timeline t WHERE t.alert_id = a.id) <> (SELECT count(*) FROM audit_events e WHERE e.resource_type = 'alert' AND e.resource_id = a.id)`;
  }

  describe('with an api and a worker on the run’s PostgreSQL', () => {
    let api: AppProcess;
    let worker: AppProcess;
    const alertIds: string[] = [];

    beforeAll(async () => {
      [api, worker] = await Promise.all([start('api'), start('worker')]);
      for (let i = 0; i < 10; i++) {
        const created = await fetch(`${api.baseUrl}/v1/alerts`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ type: 'fault', source: 'faults-spec', title: `Before the faults ${i}`, severity: 'medium' }),
        });
        alertIds.push(((await created.json()) as { data: { id: string } }).data.id);
      }
    }, 180_000);

    it('should keep both processes and answer no 500 while every backend is terminated every 0.5 s for 60 s, and apply every write whole or not at all', async () => {
      const killer = new Client({ connectionString: databaseUrl.replace(/\/[^/]+$/, '/postgres') });
      killer.on('error', () => undefined);
      await killer.connect();
      const database = new URL(databaseUrl).pathname.slice(1);
      const load = traffic(api.baseUrl, alertIds);
      let exportId: string | null = null;
      let terminated = 0;
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const { rows } = await killer.query(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        terminated += rows[0].n;
        if (!exportId) {
          const accepted = await call(api.baseUrl, load.outcomes, 'POST', '/v1/exports', {
            resource: 'alerts',
            format: 'csv',
            scope: 'filtered',
            filters: { type: ['fault'] },
          });
          if (accepted.status === 202) exportId = (JSON.parse(accepted.text) as { data: { job_id: string } }).data.job_id;
        }
        await new Promise((done) => setTimeout(done, 500));
      }
      await load.stop();
      await killer.end();

      expect(terminated).toBeGreaterThan(100);
      expect(load.outcomes.bad).toEqual([]);
      expect(load.outcomes.statuses.get(503)).toBeGreaterThan(0);
      expect(load.outcomes.statuses.get(200)).toBeGreaterThan(0);
      expect([api.alive(), worker.alive()]).toEqual([true, true]);
      // The pools reconnected by themselves.
      expect((await fetch(`${api.baseUrl}/v1/alerts?page_size=1`, { headers })).status).toBe(200);
      await waitForStatus(`${worker.baseUrl}/health/ready`, (status) => status === 200, { timeoutMs: 10_000 });

      // All or nothing: each alert's timeline and audit events agree, each ingested payload is whole, the chain verifies.
      expect(await halfWritten()).toEqual([]);
      const partial = await db.$queryRaw<
        unknown[]
      >`SELECT labels->>'batch' AS batch, count(*)::int AS n FROM alerts WHERE tenant_id = ${tenantId} AND labels ? 'batch' GROUP BY 1 HAVING count(*) <> 5`;
      expect(partial).toEqual([]);
      const verified = await fetch(`${api.baseUrl}/v1/audit-trail/verify`, { headers });
      expect(((await verified.json()) as { data: { valid: boolean } }).data.valid).toBe(true);

      // The export requested under faults finishes (retried by the queue) and holds what was there when it was asked for.
      expect(exportId).not.toBeNull();
      let job: { status: string; manifest: { row_count: number; complete: boolean } | null; attempts: number };
      const deadline = Date.now() + 60_000;
      do {
        await new Promise((done) => setTimeout(done, 250));
        job = ((await (await fetch(`${api.baseUrl}/v1/exports/${exportId}`, { headers })).json()) as { data: typeof job }).data;
      } while (['pending', 'processing'].includes(job.status) && Date.now() < deadline);
      expect(job.status).toBe('completed');
      expect(job.manifest?.complete).toBe(true);
    }, 240_000);

    it('should leave no Chromium process of a SIGKILLed worker once a new worker has started', async () => {
      const pdf = await fetch(`${api.baseUrl}/v1/exports`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['bulk'] } }),
      });
      expect(pdf.status).toBe(202);
      const marker = `${PROFILE_ROOT}/w${worker.pid}-`;
      const printing = Date.now() + 90_000;
      let browsers: number[] = [];
      while (browsers.length === 0 && Date.now() < printing) {
        await new Promise((done) => setTimeout(done, 250));
        browsers = await processesWith(marker);
      }
      expect(browsers.length).toBeGreaterThan(0);
      // The browser's whole process group (zygotes, renderers, GPU) belongs to the killed worker too.
      const group = await processGroupsOf(browsers);
      worker.child.kill('SIGKILL');
      await new Promise((done) => worker.child.once('exit', done));

      worker = await start('worker');
      const left = [...(await processesWith(marker))];
      for (const pid of group) if (await isRunning(pid)) left.push(pid);
      expect(left).toEqual([]);
    }, 240_000);
  });

  it('should answer 503 while its PostgreSQL cluster is stopped, and serve again once it is back', async () => {
    const cluster = await privateCluster();
    try {
      const url = cluster.url('alert_ledger_faults');
      await applyMigrations(url);
      const setup = new Client({ connectionString: url });
      await setup.connect();
      await setup.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [tenantId, 'Faults', 'faults']);
      await setup.end();
      const api = await start('api', { DATABASE_URL: url });
      const created = await fetch(`${api.baseUrl}/v1/alerts`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ type: 'fault', source: 'faults-spec', title: 'Before the stop', severity: 'low' }),
      });
      expect(created.status).toBe(201);
      const load = traffic(api.baseUrl, [((await created.json()) as { data: { id: string } }).data.id]);

      await cluster.stop();
      await waitForStatus(`${api.baseUrl}/v1/alerts`, (status) => status !== 200, { timeoutMs: 30_000 });
      const down = await fetch(`${api.baseUrl}/v1/alerts`, { headers });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
      const ready = await fetch(`${api.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual(expect.objectContaining({ database: 'down', redis: 'up' }));

      await cluster.start();
      await waitForStatus(`${api.baseUrl}/health/ready`, (status) => status === 200, { timeoutMs: 30_000 });
      const again = await fetch(`${api.baseUrl}/v1/alerts?page_size=1`, { headers });
      await load.stop();
      expect(again.status).toBe(200);
      expect(load.outcomes.bad).toEqual([]);
      expect(load.outcomes.statuses.get(503)).toBeGreaterThan(0);
      expect(api.alive()).toBe(true);
      await api.stop();
    } finally {
      await cluster.drop();
    }
  }, 240_000);

  it('should keep reads working without Redis, refuse queue work with 503, and run every export Redis lost once it is back empty', async () => {
    const redis = await privateRedis();
    try {
      const [api, worker] = await Promise.all([start('api', { REDIS_URL: redis.url }), start('worker', { REDIS_URL: redis.url })]);
      await waitForStatus(`${worker.baseUrl}/health/ready`, (status) => status === 200);
      // Two jobs wait in the queue while the worker is frozen; then Redis dies with them.
      worker.child.kill('SIGSTOP');
      const queued: string[] = [];
      for (const format of ['csv', 'ndjson']) {
        const accepted = await fetch(`${api.baseUrl}/v1/exports`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ resource: 'alerts', format, scope: 'filtered', filters: { type: ['bulk'] } }),
        });
        expect(accepted.status).toBe(202);
        queued.push(((await accepted.json()) as { data: { job_id: string } }).data.job_id);
      }
      await redis.kill();

      expect((await fetch(`${api.baseUrl}/v1/alerts?page_size=5`, { headers })).status).toBe(200);
      // Once the api has seen Redis go (its readiness says so), queue work is refused before anything is written.
      await waitForStatus(`${api.baseUrl}/health/ready`, (status) => status === 503);
      const jobsBefore = await db.exportJob.count();
      const refused = await fetch(`${api.baseUrl}/v1/exports`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ resource: 'alerts', format: 'csv', scope: 'all' }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await db.exportJob.count()).toBe(jobsBefore);
      const ready = await fetch(`${api.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual(expect.objectContaining({ database: 'up', redis: 'down' }));
      const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
      expect(Number(/^alert_ledger_rate_limiter_fail_open_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);

      await redis.start(); // empty: the queued jobs are gone from it
      worker.child.kill('SIGCONT');
      for (const id of queued) {
        let status = '';
        const deadline = Date.now() + 90_000;
        while (status !== 'completed' && Date.now() < deadline) {
          await new Promise((done) => setTimeout(done, 250));
          status = ((await (await fetch(`${api.baseUrl}/v1/exports/${id}`, { headers })).json()) as { data: { status: string } }).data.status;
        }
        expect({ id, status }).toEqual({ id, status: 'completed' });
      }
      expect(
        (await fetch(`${api.baseUrl}/v1/exports`, { method: 'POST', headers: json, body: JSON.stringify({ resource: 'alerts', format: 'csv', scope: 'all' }) }))
          .status,
      ).toBe(202);
      expect([api.alive(), worker.alive()]).toEqual([true, true]);
      await Promise.all([api.stop(), worker.stop()]);
    } finally {
      await redis.kill();
    }
  }, 240_000);
});
