import { Tenant } from '@app/database';

import { http } from './utils/api';
import { apiWithWorld } from './utils/world';

type Problem = { type: string; errors?: { field: string; pointer: string }[] };

/** Bodies of the right JSON but the wrong shape, which reached the database or the service and answered 500. */
describe('body shapes', () => {
  const run = apiWithWorld();
  const { world } = run;
  let tenant: Tenant;
  let admin: Record<string, string>;

  beforeAll(async () => {
    tenant = await world.tenant('Shapes');
    admin = world.bearer(tenant, ['compliance:read', 'compliance:write', 'alerts:ingest']);
  });

  it.each([['name'], ['enabled'], ['controls'], ['match']])(
    'should refuse a control rule PATCH setting %s to null with 400 and change nothing',
    async (field) => {
      const created = await http<{ data: { id: string; version: number } }>(run.api, 'POST', '/v1/compliance/control-rules', {
        body: { name: 'Logins', controls: ['ISO27001:A.8.15'], match: { types: ['login'] } },
        headers: admin,
      });
      expect(created.status).toBe(201);
      const refused = await http<Problem>(run.api, 'PATCH', `/v1/compliance/control-rules/${created.body.data.id}`, {
        body: { [field]: null },
        headers: admin,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.type).toBe('/problems/validation-error');
      expect(refused.body.errors?.map((error) => error.pointer)).toContain(`/body/${field}`);
      const after = await world.prisma.controlRule.findUniqueOrThrow({ where: { id: created.body.data.id } });
      expect({ name: after.name, enabled: after.enabled, version: after.version }).toEqual({
        name: 'Logins',
        enabled: true,
        version: created.body.data.version,
      });
    },
  );

  it('should still clear a rule’s description with null', async () => {
    const created = await http<{ data: { id: string } }>(run.api, 'POST', '/v1/compliance/control-rules', {
      body: { name: 'Described', description: 'x', controls: ['ISO27001:A.8.15'], match: { types: ['login'] } },
      headers: admin,
    });
    const cleared = await http<{ data: { description: string | null } }>(run.api, 'PATCH', `/v1/compliance/control-rules/${created.body.data.id}`, {
      body: { description: null },
      headers: admin,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data.description).toBeNull();
  });

  it.each([
    ['an array of arrays', [[{ status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-05-12T07:46:50Z', fingerprint: 'f1' }]]],
    ['an array holding null and a number', [null, 7]],
  ])('should refuse an Alertmanager payload whose alerts is %s with 400 and store nothing', async (_name, alerts) => {
    const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
    const refused = await http<Problem>(run.api, 'POST', '/v1/ingest/alertmanager', {
      body: { version: '4', status: 'firing', receiver: 'r', groupKey: 'g', alerts },
      headers: admin,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('/problems/validation-error');
    expect(refused.body.errors?.[0].pointer).toMatch(/^\/body\/alerts/);
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
  });
});
