import { http } from './utils/api';
import { apiWithWorld } from './utils/world';

/** 50 writers on one tenant at once: whatever the pool and the audit chain's lock can take, nobody gets a 500. */
describe('concurrent writers on one tenant', () => {
  const run = apiWithWorld();
  const { world } = run;

  it('should answer every write 2xx, or 503 with Retry-After, never 500, and keep the audit chain whole', async () => {
    const tenant = await world.tenant('Crowded');
    const writer = world.bearer(tenant, ['alerts:write', 'alerts:read', 'audit:read']);
    // A slow chain: the tenant's audit lock held for 6 s (as a long append would), so that writers queue
    // behind it, fill the pool and outlast Prisma's transaction waits, as 50 writers did on a busy machine.
    const held = world.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${tenant.id}`}, 0))`;
        await new Promise((resolve) => setTimeout(resolve, 6_000));
      },
      { timeout: 20_000 },
    );
    const statuses = new Map<number, number>();
    let withoutRetryAfter = 0;
    const until = Date.now() + 8_000;
    let n = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (Date.now() < until) {
          const i = ++n;
          const answer = await http(run.api, 'POST', '/v1/alerts', {
            body: { type: 'intrusion', source: 'ids', title: `Crowd ${i}`, severity: 'low', alertable_type: 'manual', alertable_id: `c-${i}` },
            headers: writer,
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 503 && !answer.headers.get('retry-after')) withoutRetryAfter++;
        }
      }),
    );
    await held;
    expect([...statuses.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(withoutRetryAfter).toBe(0);
    expect(statuses.get(201)).toBeGreaterThan(0);
    expect(statuses.get(503)).toBeGreaterThan(0);
    const created = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
    expect(created).toBe(statuses.get(201));
    const verified = await http<{ data: { valid: boolean; checked: number } }>(run.api, 'GET', '/v1/audit-trail/verify', { headers: writer });
    expect(verified.body.data).toEqual(expect.objectContaining({ valid: true, checked: created }));
  });
});
