import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { appendAuditEvents } from '@app/audit-trail';
import { Tenant } from '@app/database';

import { http, startApi, TestApi, withApiEnv } from './utils/api';
import { World } from './utils/world';

const run = promisify(execFile);

interface Verification {
  data: {
    valid: boolean;
    checked: number;
    first_broken_id: string | null;
    tenants: number;
    complete: boolean;
    from_seq: number | null;
    last_seq: number | null;
    next_tenant_id: string | null;
    next_from_seq: number | null;
  };
}

describe('the audit trail', () => {
  let api: TestApi;
  const world = new World();

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should record each tenant creation with its actor, request and trace, in the same transaction', async () => {
    const admin = await world.admin();
    const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/tenants', {
      body: { name: 'Audited', slug: `audited-${Date.now()}` },
      headers: { ...admin, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(created.status).toBe(201);
    const events = await world.prisma.auditEvent.findMany({ where: { tenantId: created.body.data.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(
      expect.objectContaining({
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: created.body.data.id,
        actor: 'root-operator',
        actorType: 'jwt',
        outcome: 'success',
        requestId: created.headers.get('x-request-id'),
        traceId: '0af7651916cd43dd8448eb211c80319c',
        seq: 1n,
      }),
    );
  });

  it('should keep a verifiable chain under 50 concurrent writers, and record the reads', async () => {
    const tenant = await world.tenant('Concurrent');
    const reader = world.bearer(tenant, ['audit:read'], 'auditor-1');
    const results = await Promise.all(Array.from({ length: 50 }, () => http(api, 'GET', '/v1/audit-trail?page_size=1', { headers: reader })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const events = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    expect(events).toHaveLength(50);
    expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(events.every((e) => e.action === 'audit_trail.read' && e.actor === 'auditor-1')).toBe(true);
    const verified = await http<Verification>(api, 'GET', '/v1/audit-trail/verify', { headers: reader });
    expect(verified.body.data).toEqual({
      valid: true,
      checked: 50,
      first_broken_id: null,
      tenants: 1,
      complete: true,
      from_seq: 1,
      last_seq: 50,
      next_tenant_id: null,
      next_from_seq: null,
    });
  });

  it('should record a read whose filters hold quotes, backslashes and any script exactly as asked (its values are written into the statement)', async () => {
    const tenant = await world.tenant('Odd filters');
    const reader = world.bearer(tenant, ['audit:read'], "o'brien\\ops");
    const actor = `x'); DELETE FROM audit_events; -- \\' \\\\ "q" 監査 🧾`;
    const read = await http(api, 'GET', `/v1/audit-trail?actor=${encodeURIComponent(actor)}&resource_id=${encodeURIComponent("$1 $$ E'\\x00'")}`, {
      headers: reader,
    });
    expect(read.status).toBe(200);
    const [event] = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(event).toEqual(expect.objectContaining({ action: 'audit_trail.read', actor: "o'brien\\ops", seq: 1n }));
    expect(event.details).toEqual({ filters: expect.objectContaining({ actor, resource_id: "$1 $$ E'\\x00'" }), returned: 0 });
    const verified = await http<Verification>(api, 'GET', '/v1/audit-trail/verify', { headers: reader });
    expect(verified.body.data).toEqual(expect.objectContaining({ valid: true, checked: 1 }));
  });

  it('should verify at most AUDIT_VERIFY_MAX_EVENTS events a call, and continue from next_from_seq linked to the event before', async () => {
    const tenant = await world.tenant('Long chain');
    const entries = Array.from({ length: 1_500 }, (_, i) => ({
      tenantId: tenant.id,
      action: 'alert.create',
      resourceType: 'alert',
      resourceId: `alr_${i}`,
      actor: { id: 'seed', type: 'system' as const },
    }));
    await world.prisma.$transaction((tx) => appendAuditEvents(tx, tenant.id, entries), { timeout: 60_000 });
    const reader = world.bearer(tenant, ['audit:read']);
    await withApiEnv({ AUDIT_VERIFY_MAX_EVENTS: '1000' }, async (bounded) => {
      const first = await http<Verification>(bounded, 'GET', '/v1/audit-trail/verify', { headers: reader });
      expect(first.body.data).toEqual({
        valid: true,
        checked: 1_000,
        first_broken_id: null,
        tenants: 1,
        complete: false,
        from_seq: 1,
        last_seq: 1_000,
        next_tenant_id: tenant.id,
        next_from_seq: 1_001,
      });
      // The rest: the 500 seeded events and the first call's own audit_trail.verify event.
      const rest = await http<Verification>(bounded, 'GET', '/v1/audit-trail/verify?from_seq=1001', { headers: reader });
      expect(rest.body.data).toEqual(
        expect.objectContaining({ valid: true, checked: 501, complete: true, from_seq: 1_001, last_seq: 1_501, next_from_seq: null }),
      );
      const events = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, seq: { in: [1_000n, 1_001n] } }, orderBy: { seq: 'asc' } });
      await world.prisma.$transaction([
        world.prisma.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only'),
        world.prisma.$executeRaw`UPDATE audit_events SET hash = ${'f'.repeat(64)} WHERE id = ${events[0].id}`,
        world.prisma.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only'),
      ]);
      // A segment starting after the altered event still checks its link to it.
      const broken = await http<Verification>(bounded, 'GET', '/v1/audit-trail/verify?from_seq=1001', { headers: reader });
      expect(broken.body.data).toEqual(expect.objectContaining({ valid: false, first_broken_id: events[1].id }));
      const refused = await http(bounded, 'GET', '/v1/audit-trail/verify?from_seq=0', { headers: reader });
      expect(refused.status).toBe(400);
    });
  });

  it('should have the database refuse UPDATE and DELETE of an audit event', async () => {
    const tenant = await world.tenant('Immutable');
    await http(api, 'GET', '/v1/audit-trail', { headers: world.bearer(tenant, ['audit:read']) });
    const [event] = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    await expect(world.prisma.$executeRaw`UPDATE audit_events SET actor = 'mallory' WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(world.prisma.$executeRaw`DELETE FROM audit_events WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    expect((await world.prisma.auditEvent.findFirstOrThrow({ where: { id: event.id } })).actor).toBe(event.actor);
  });

  it('should report a row altered behind the trigger as the first broken event, and tell the tenant’s webhooks and streams', async () => {
    const tenant: Tenant = await world.tenant('Tampered');
    const reader = world.bearer(tenant, ['audit:read']);
    for (let i = 0; i < 4; i++) await http(api, 'GET', '/v1/audit-trail', { headers: reader });
    expect((await http<Verification>(api, 'GET', '/v1/audit-trail/verify', { headers: reader })).body.data.valid).toBe(true);
    const events = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    const victim = events[1];
    await world.prisma.$transaction([
      world.prisma.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only'),
      world.prisma.$executeRaw`UPDATE audit_events SET actor = 'mallory' WHERE id = ${victim.id}`,
      world.prisma.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only'),
    ]);
    const verified = await http<Verification>(api, 'GET', '/v1/audit-trail/verify', { headers: reader });
    expect(verified.body.data).toEqual(expect.objectContaining({ valid: false, first_broken_id: victim.id }));
    const told = await world.prisma.outboxEvent.findMany({ where: { tenantId: tenant.id, type: 'audit.chain_failed' } });
    expect(told.map((event) => event.data)).toEqual([expect.objectContaining({ tenant_id: tenant.id, first_broken_id: victim.id })]);
  });

  it('should filter by actor, action and time range, with cursor paging', async () => {
    const tenant = await world.tenant('Filtered');
    const start = new Date();
    await http(api, 'GET', '/v1/audit-trail', { headers: world.bearer(tenant, ['audit:read'], 'carol') });
    await http(api, 'GET', '/v1/audit-trail/verify', { headers: world.bearer(tenant, ['audit:read'], 'dave') });
    await http(api, 'GET', '/v1/audit-trail', { headers: world.bearer(tenant, ['audit:read'], 'carol') });
    const reader = world.bearer(tenant, ['audit:read'], 'erin');
    const byActor = await http<{ items: { actor: string; action: string }[] }>(api, 'GET', '/v1/audit-trail?actor=carol', { headers: reader });
    expect(byActor.body.items.map((e) => e.actor)).toEqual(['carol', 'carol']);
    const byAction = await http<{ items: { actor: string }[] }>(api, 'GET', '/v1/audit-trail?action=audit_trail.verify', { headers: reader });
    expect(byAction.body.items.map((e) => e.actor)).toEqual(['dave']);
    const future = await http<{ items: unknown[] }>(api, 'GET', `/v1/audit-trail?created_from=${new Date(Date.now() + 60_000).toISOString()}`, {
      headers: reader,
    });
    expect(future.body.items).toEqual([]);
    const page = await http<{ items: unknown[]; pagination: { next_cursor: string } }>(
      api,
      'GET',
      `/v1/audit-trail?pagination=cursor&page_size=2&created_from=${start.toISOString()}`,
      { headers: reader },
    );
    expect(page.body.items).toHaveLength(2);
    const next = await http<{ items: unknown[] }>(
      api,
      'GET',
      `/v1/audit-trail?page_size=2&created_from=${start.toISOString()}&cursor=${encodeURIComponent(page.body.pagination.next_cursor)}`,
      { headers: reader },
    );
    expect(next.status).toBe(200);
    expect(next.body.items.length).toBeGreaterThan(0);
  });

  it.each([
    ['created_to before created_from', 'created_from=2025-05-01&created_to=2025-04-01', 'created_to'],
    ['a malformed date', 'created_from=yesterday', 'created_from'],
    ['an unknown time zone', 'created_from=2025-05-01&timezone=Mars/Olympus', 'timezone'],
    ['an unknown outcome', 'outcome=maybe', 'outcome'],
  ])('should answer 400 for %s', async (_, query, field) => {
    const tenant = await world.tenant('Bad input');
    const result = await http<{ type: string; errors: { field: string }[] }>(api, 'GET', `/v1/audit-trail?${query}`, {
      headers: world.bearer(tenant, ['audit:read']),
    });
    expect(result.status).toBe(400);
    expect(result.body.errors.map((e) => e.field)).toEqual([field]);
    expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('should create, use and revoke an API key from the CLI, each step in the audit trail', async () => {
    const tenant = await world.tenant('Cli');
    const env = { ...process.env };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env });
    const created = await cli('api-keys', 'create', '--tenant', tenant.slug, '--name', 'collector', '--scopes', 'audit:read,alerts:ingest');
    const key = created.stdout.trim().split('\n').pop() as string;
    expect(key).toMatch(/^ak_[A-Za-z0-9_-]{43}$/);
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: { 'x-api-key': key } })).status).toBe(200);
    const listed = await cli('api-keys', 'list', '--tenant', tenant.id);
    expect(listed.stdout).toContain(`${key.slice(0, 11)}…`);
    expect(listed.stdout).not.toContain(key);
    const id = listed.stdout.split('\t')[0];
    await cli('api-keys', 'revoke', id);
    const refused = await http(api, 'GET', '/v1/audit-trail', { headers: { 'x-api-key': key } });
    expect(refused.body.type).toBe('/problems/revoked-api-key');
    const actions = (await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } })).map((e) => `${e.actor}:${e.action}`);
    expect(actions).toEqual(['cli:api_key.create', `${id}:audit_trail.read`, 'cli:api_key.revoke']);
    const token = (await cli('token', 'mint', '--tenant', tenant.slug, '--scopes', 'audit:read')).stdout.trim();
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await expect(cli('api-keys', 'create', '--tenant', tenant.slug, '--name', 'x', '--scopes', 'root')).rejects.toMatchObject({ code: 64 });
  });
});
