import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { PrismaPg } from '@prisma/adapter-pg';
import { Webhook } from 'standardwebhooks';

import { mintDevToken, Scope } from '@app/auth';
import { publicId } from '@app/common';
import { PrismaClient } from '@app/database';

import { applyMigrations, dropDatabase } from '../libs/database/src/migrator/migrator';
import { promtoolCheck, sample } from './utils/metrics';
import { AppProcess, startApp } from './utils/processes';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; headers?: Record<string, string> };
type Delivery = {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  next_attempt_at: string | null;
};
type Attempt = {
  id: string;
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  outcome: string;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: string | null;
};

/**
 * Webhook deliveries end to end: a real api and real worker processes (the outbox relay and the delivery
 * consumer) with a database and Redis prefix of their own (an in-process consumer of another spec must not
 * take these deliveries), and a receiver started here that verifies every signature with the Standard
 * Webhooks reference implementation.
 */
describe('webhook deliveries', () => {
  const databaseUrl = `${process.env.DATABASE_URL as string}_webhooks`;
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX as string}:webhooks`,
    EXPORTS_IN_PROCESS: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_BASE_MS: '300',
    WEBHOOK_STALLED_SECONDS: '2',
    WEBHOOK_DISABLE_AFTER_SECONDS: '3',
  };
  const tenantId = publicId('tnt');
  const authorization = `Bearer ${mintDevToken(process.env.JWT_SECRET as string, { sub: 'hooks', tenantId, scopes: ['webhooks:read', 'webhooks:write', 'alerts:read', 'alerts:write'] satisfies Scope[], issuer: null, audience: null })}`;
  let db: PrismaClient;
  let api: AppProcess;
  let worker: AppProcess;
  const apps: AppProcess[] = [];
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** What each path answers, in order; the last answer repeats. */
  const script = new Map<string, Answer[]>();

  beforeAll(async () => {
    await applyMigrations(databaseUrl);
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    await db.tenant.create({ data: { id: tenantId, name: 'Hooks', slug: `hooks-${tenantId.slice(-8).toLowerCase()}` } });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answers = script.get(path) ?? [{ status: 204 }];
        const answer = answers.length > 1 ? (answers.shift() as Answer) : answers[0];
        response.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
    apps.push(api, worker);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    receiver.closeAllConnections();
    await new Promise((done) => receiver.close(done));
    await db.$disconnect();
    await dropDatabase(databaseUrl);
  }, 60_000);

  async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' };
    const response = await fetch(`${api.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async function subscribe(path: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const created = await call<{ data: { id: string; secret: string } }>('POST', '/v1/webhooks', {
      url: `${receiverUrl}${path}`,
      event_types: ['alert.created'],
      ...body,
    });
    expect(created.status).toBe(201);
    return created.body.data;
  }

  async function raise(title: string, severity = 'high'): Promise<string> {
    const created = await call<{ data: { id: string } }>('POST', '/v1/alerts', { type: 'intrusion', source: 'ids-suricata', title, severity });
    expect(created.status).toBe(201);
    return created.body.data.id;
  }

  /** Polls `probe` until it answers something (an empty list is nothing). */
  async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value && !(Array.isArray(value) && value.length === 0)) return value;
      if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  const at = (path: string) => received.filter((request) => request.path === path);

  async function deliveries(webhookId: string): Promise<Delivery[]> {
    return (await call<{ items: Delivery[] }>('GET', `/v1/webhooks/${webhookId}/deliveries`)).body.items;
  }

  /** The delivery's attempt log, oldest first. */
  async function attempts(webhookId: string, deliveryId: string): Promise<Attempt[]> {
    const answer = await call<{ items: Attempt[] }>('GET', `/v1/webhooks/${webhookId}/deliveries/${deliveryId}/attempts?sort_direction=asc`);
    expect(answer.status).toBe(200);
    return answer.body.items;
  }

  function verified(secret: string, request: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
  }

  it('should deliver a change signed as Standard Webhooks, once, after its commit', async () => {
    const hook = await subscribe('/ok');
    const alertId = await raise('Delivered');
    const [request] = await until('the delivery', async () => at('/ok').length > 0 && at('/ok'));
    const payload = verified(hook.secret, request);
    expect(payload).toMatchObject({ type: 'alert.created', data: { id: alertId, tenant_id: tenantId, status: 'open', severity: 'high' } });
    expect(request.headers['webhook-id']).toMatch(/^evt_/);
    const [delivery] = await until('the recorded success', async () => (await deliveries(hook.id)).filter((d) => d.status === 'succeeded'));
    expect(delivery).toMatchObject({
      event_id: request.headers['webhook-id'],
      event_type: 'alert.created',
      attempts: 1,
      response_status: 204,
      error: null,
      next_attempt_at: null,
    });
  });

  it('should send only the events a subscription’s filter passes', async () => {
    const hook = await subscribe('/critical', { filter: { severity: ['critical'] } });
    await raise('Low one', 'low');
    const critical = await raise('Critical one', 'critical');
    const [request] = await until('the critical delivery', async () => at('/critical').length > 0 && at('/critical'));
    expect(verified(hook.secret, request).data.id).toBe(critical);
    const all = await until('the deliveries', async () => (await deliveries(hook.id)).filter((d) => d.status === 'succeeded'));
    expect(all.map((delivery) => delivery.event_type)).toEqual(['alert.created']);
    expect(at('/critical')).toHaveLength(1);
  });

  it('should retry after 503 and 429 (honouring Retry-After) with the same webhook-id, each attempt signed afresh', async () => {
    script.set('/flaky', [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const hook = await subscribe('/flaky');
    await raise('Flaky');
    const [delivery] = await until('the third attempt', async () => (await deliveries(hook.id)).filter((d) => d.status === 'succeeded'), 30_000);
    expect(delivery).toMatchObject({ attempts: 3, response_status: 200 });
    const requests = at('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([delivery.event_id]));
    for (const request of requests) expect(verified(hook.secret, request).type).toBe('alert.created');
    // Retry-After: 1 made the third attempt wait at least a second after the second.
    expect(Number(requests[2].headers['webhook-timestamp'])).toBeGreaterThan(Number(requests[1].headers['webhook-timestamp']));

    // Each attempt is in the delivery's log: its outcome, the receiver's code, when the next was due.
    const log = await attempts(hook.id, delivery.id);
    expect(log.map(({ attempt, outcome, response_status, delivery_id }) => ({ attempt, outcome, response_status, delivery_id }))).toEqual([
      { attempt: 1, outcome: 'retrying', response_status: 503, delivery_id: delivery.id },
      { attempt: 2, outcome: 'retrying', response_status: 429, delivery_id: delivery.id },
      { attempt: 3, outcome: 'succeeded', response_status: 200, delivery_id: delivery.id },
    ]);
    expect(log[0].error).toBe('answered 503');
    expect(log[2]).toMatchObject({ error: null, next_attempt_at: null });
    for (const [index, entry] of log.entries()) {
      expect(entry.attempted_at).toBe(
        new Date(Number(requests[index].headers['webhook-timestamp']) * 1000 + (Date.parse(entry.attempted_at) % 1000)).toISOString(),
      );
      expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    }
    // Retry-After: 1 set the third attempt's time at least a second after the second's.
    expect(Date.parse(log[1].next_attempt_at as string) - Date.parse(log[1].attempted_at)).toBeGreaterThanOrEqual(1_000);
    expect(Date.parse(log[2].attempted_at)).toBeGreaterThanOrEqual(Date.parse(log[1].next_attempt_at as string));
    // Newest first by default, and one delivery by id.
    expect((await call<{ items: Attempt[] }>('GET', `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/attempts`)).body.items.map((a) => a.attempt)).toEqual([
      3, 2, 1,
    ]);
    expect((await call<{ data: Delivery }>('GET', `/v1/webhooks/${hook.id}/deliveries/${delivery.id}`)).body.data).toMatchObject({
      id: delivery.id,
      status: 'succeeded',
      attempts: 3,
    });

    // The worker counts them, in a form Prometheus accepts.
    const metrics = await (await fetch(`${worker.baseUrl}/metrics`)).text();
    expect(promtoolCheck(metrics)).toEqual({ status: 0, output: '' });
    expect(sample(metrics, 'alert_ledger_webhook_attempts_total', { outcome: 'retrying' })).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'alert_ledger_webhook_attempts_total', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'alert_ledger_webhook_attempt_duration_seconds_count', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
  });

  it('should not retry after 400 nor follow a redirect, and resend a failed delivery on request', async () => {
    script.set('/bad', [{ status: 400 }, { status: 204 }]);
    script.set('/moved', [{ status: 302, headers: { location: '/ok-moved' } }]);
    const bad = await subscribe('/bad');
    const moved = await subscribe('/moved');
    await raise('Refused');
    const [failed] = await until('the failed delivery', async () => (await deliveries(bad.id)).filter((d) => d.status === 'failed'));
    expect(failed).toMatchObject({ attempts: 1, response_status: 400, error: 'answered 400', next_attempt_at: null });
    const [redirected] = await until('the redirect', async () => (await deliveries(moved.id)).filter((d) => d.status === 'failed'));
    expect(redirected.response_status).toBe(302);
    expect(redirected.error).toMatch(/redirect/);
    // A ping sent after both ended arrives after them: had either been retried, its retry would be queued before it.
    expect((await call('POST', `/v1/webhooks/${bad.id}/test`)).status).toBe(202);
    await until('the ping', async () => at('/bad').length === 2);
    expect(verified(bad.secret, at('/bad')[1]).type).toBe('webhook.ping');
    expect(at('/ok-moved')).toHaveLength(0);
    expect(at('/moved')).toHaveLength(1);

    const resent = await call<{ data: Delivery }>('POST', `/v1/webhooks/${bad.id}/deliveries/${failed.id}/retry`);
    expect(resent.status).toBe(202);
    expect(resent.body.data.status).toBe('pending');
    await until('the resent delivery', async () => (await deliveries(bad.id)).find((d) => d.id === failed.id && d.status === 'succeeded'));
    const resentRequest = at('/bad')[2];
    expect(resentRequest.headers['webhook-id']).toBe(failed.event_id);
    expect(verified(bad.secret, resentRequest).type).toBe('alert.created');
    // The resend continues the delivery's attempt log.
    expect(
      (await attempts(bad.id, failed.id)).map(({ attempt, outcome, response_status, next_attempt_at }) => ({
        attempt,
        outcome,
        response_status,
        next_attempt_at,
      })),
    ).toEqual([
      { attempt: 1, outcome: 'failed', response_status: 400, next_attempt_at: null },
      { attempt: 2, outcome: 'succeeded', response_status: 204, next_attempt_at: null },
    ]);
    // Once its event is no longer kept (past the deliveries' retention), a resend is refused and changes nothing.
    await db.outboxEvent.delete({ where: { id: failed.event_id } });
    const gone = await call<{ status: number; type: string; code: number }>('POST', `/v1/webhooks/${bad.id}/deliveries/${failed.id}/retry`);
    expect({ status: gone.status, type: gone.body.type, code: gone.body.code }).toEqual({ status: 410, type: '/problems/webhook-event-gone', code: 10080003 });
    expect((await deliveries(bad.id)).find((d) => d.id === failed.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    // Another subscription's delivery, or none, is not found.
    for (const path of [`/v1/webhooks/${moved.id}/deliveries/${failed.id}`, `/v1/webhooks/${bad.id}/deliveries/${publicId('whd')}/attempts`]) {
      const missing = await call<{ type: string }>('GET', path);
      expect(missing.status).toBe(404);
      expect(missing.body.type).toMatch(/resource-not-found$/);
    }
  });

  it('should refuse to resend a pending delivery and to send to a disabled subscription', async () => {
    script.set('/later', [{ status: 503, headers: { 'retry-after': '600' } }]);
    const hook = await subscribe('/later');
    await raise('Later');
    const [pending] = await until('the first attempt', async () => (await deliveries(hook.id)).filter((d) => d.attempts === 1));
    expect(pending.status).toBe('pending');
    expect(Date.parse(pending.next_attempt_at as string)).toBeGreaterThan(Date.now() + 500_000);
    expect((await call<{ type: string }>('POST', `/v1/webhooks/${hook.id}/deliveries/${pending.id}/retry`)).body.type).toMatch(/webhook-delivery-pending$/);
    expect((await call('PATCH', `/v1/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);
    const refused = await call<{ status: number; type: string }>('POST', `/v1/webhooks/${hook.id}/test`);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/webhook-disabled$/);
  });

  it('should disable a subscription whose deliveries keep failing, and say why', async () => {
    script.set('/down', [{ status: 500 }]);
    const hook = await subscribe('/down');
    await raise('Down');
    const disabled = await until(
      'the subscription disabled',
      async () => {
        const read = await call<{ data: { enabled: boolean; disabled_reason: string | null; failing_since: string | null } }>('GET', `/v1/webhooks/${hook.id}`);
        return !read.body.data.enabled && read.body.data;
      },
      30_000,
    );
    expect(disabled.disabled_reason).toMatch(/^Disabled after deliveries failed since .*answered 500/);
    expect(disabled.failing_since).not.toBeNull();
    const sent = at('/down').length;
    expect(sent).toBeGreaterThanOrEqual(2);
    await raise('Down again');
    // Nothing is made for a disabled subscription: the next event's relay writes no delivery for it.
    const other = await subscribe('/ok-after');
    await raise('After');
    await until('a later delivery', async () => at('/ok-after').length > 0);
    expect((await deliveries(hook.id)).filter((delivery) => delivery.status === 'succeeded')).toHaveLength(0);
    expect(at('/down')).toHaveLength(sent);
    expect(other.id).not.toBe(hook.id);
  });

  it('should deliver after its worker was SIGKILLed between attempts', async () => {
    script.set('/recovering', [{ status: 503, headers: { 'retry-after': '3' } }, { status: 200 }]);
    const hook = await subscribe('/recovering');
    await raise('Outlives its worker');
    await until('the first attempt recorded', async () => (await deliveries(hook.id)).some((d) => d.attempts === 1));
    worker.child.kill('SIGKILL');
    await new Promise((done) => worker.child.once('exit', done));
    worker = await startApp('worker', env);
    apps.push(worker);
    const [delivered] = await until('the delivery by the new worker', async () => (await deliveries(hook.id)).filter((d) => d.status === 'succeeded'), 60_000);
    expect(delivered).toMatchObject({ attempts: 2, response_status: 200 });
    expect(at('/recovering')).toHaveLength(2);
    expect(verified(hook.secret, at('/recovering')[1]).type).toBe('alert.created');
  }, 120_000);

  it('should sign with both secrets while a rotated one is in its grace period', async () => {
    const hook = await subscribe('/rotated');
    const rotated = await call<{ data: { secret: string } }>('POST', `/v1/webhooks/${hook.id}/secret/rotate`);
    expect(rotated.status).toBe(200);
    await raise('Rotated');
    const [request] = await until('the delivery', async () => at('/rotated').length > 0 && at('/rotated'));
    expect(verified(hook.secret, request).type).toBe('alert.created');
    expect(verified(rotated.body.data.secret, request).type).toBe('alert.created');
  });
});
