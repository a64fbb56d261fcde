import { publicId } from '@app/common';
import { Tenant } from '@app/database';

import { http } from './utils/api';
import { alertRow, apiWithWorld } from './utils/world';

type Problem = { type: string; errors?: { field: string; code: string }[] };
type One = { data: { id: string; version: number; starts_at: string } };

/** Dates outside the one range every date goes through (1970–9999, no 24:00), and rows that already hold them. */
describe('dates', () => {
  const run = apiWithWorld();
  const { world } = run;
  let tenant: Tenant;
  let writer: Record<string, string>;

  beforeAll(async () => {
    tenant = await world.tenant('Dates');
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write', 'alerts:ingest']);
  });

  const alertBody = (startsAt: string) => ({
    type: 'intrusion',
    source: 'ids',
    title: 'Date probe',
    severity: 'low',
    alertable_type: 'manual',
    alertable_id: `e-${startsAt}`,
    starts_at: startsAt,
  });

  it.each(['9999-12-31T24:00:00Z', '2026-01-01T24:00:00Z', '1969-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '2026-02-30T00:00:00Z'])(
    'should refuse starts_at %s with 400 and store nothing',
    async (startsAt) => {
      const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
      const refused = await http<Problem>(run.api, 'POST', '/v1/alerts', { body: alertBody(startsAt), headers: writer });
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]).toEqual(expect.objectContaining({ field: 'starts_at' }));
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
    },
  );

  it('should accept the range’s edges', async () => {
    const late = await http<One>(run.api, 'POST', '/v1/alerts', { body: alertBody('9999-12-31T23:59:59.999Z'), headers: writer });
    expect(late.status).toBe(201);
    expect(late.body.data.starts_at).toBe('9999-12-31T23:59:59.999Z');
    const early = await http<One>(run.api, 'POST', '/v1/alerts', { body: alertBody('1970-01-01T00:00:00+00:00'), headers: writer });
    expect(early.status).toBe(201);
  });

  it('should refuse a verification date of 24:00 and a query bound past 9999', async () => {
    const alert = await world.prisma.alert.create({ data: alertRow(tenant.id) });
    const created = await http<One>(run.api, 'POST', '/v1/threat-cases', { body: { alert_ids: [alert.id], title: 'Dates' }, headers: writer });
    expect(created.status).toBe(201);
    const refused = await http<Problem>(run.api, 'POST', `/v1/threat-cases/${created.body.data.id}/verifications`, {
      body: { alert_id: alert.id, sent_as_clip_at: '9999-12-31T24:00:00Z' },
      headers: writer,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toEqual(expect.objectContaining({ field: 'sent_as_clip_at' }));
    expect(await world.prisma.threatCaseVerification.count({ where: { caseId: created.body.data.id } })).toBe(0);
    const query = await http<Problem>(run.api, 'GET', '/v1/alerts?created_to=9999-12-31T24:00:00Z', { headers: writer });
    expect(query.status).toBe(400);
    const openAt = await http<Problem>(run.api, 'GET', '/v1/alerts?open_at=10000-01-01', { headers: writer });
    expect(openAt.status).toBe(400);
  });

  it('should refuse an Alertmanager alert whose startsAt is past 9999, storing nothing of it', async () => {
    const payload = {
      version: '4',
      status: 'firing',
      receiver: 'r',
      groupKey: 'g',
      alerts: [{ status: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: '9999-12-31T24:00:00Z', fingerprint: 'f1' }],
    };
    const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
    // Ingestion refuses an invalid alert alone (its group is answered 200 and the rest stored).
    const answer = await http<{ data: { created: number; refused: number } }>(run.api, 'POST', '/v1/ingest/alertmanager', { body: payload, headers: writer });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual(expect.objectContaining({ created: 0, refused: 1 }));
    expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
  });

  describe('rows that already hold year 10000', () => {
    let alertId: string;
    let caseId: string;

    beforeAll(async () => {
      const poisoned = await world.tenant('Poisoned');
      tenant = poisoned;
      writer = world.bearer(poisoned, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write']);
      const alert = await world.prisma.alert.create({ data: alertRow(poisoned.id) });
      alertId = alert.id;
      caseId = publicId('tc');
      await world.prisma.threatCase.create({ data: { id: caseId, tenantId: poisoned.id, createdBy: 'seed', createdAt: new Date(), updatedAt: new Date() } });
      await world.prisma.$executeRawUnsafe(`UPDATE alerts SET starts_at = '10000-01-01T00:00:00Z' WHERE id = $1`, alertId);
      await world.prisma.$executeRawUnsafe(
        `INSERT INTO threat_case_verifications (id, tenant_id, case_id, sent_as_clip_at, created_at, created_by) VALUES ($1, $2, $3, '10000-01-01T00:00:00Z', now(), 'seed')`,
        publicId('tcv'),
        poisoned.id,
        caseId,
      );
    });

    it('should list and show the alert, and let it be acknowledged', async () => {
      const list = await http<{ items: { id: string; starts_at: string }[] }>(run.api, 'GET', '/v1/alerts', { headers: writer });
      expect(list.status).toBe(200);
      expect(list.body.items.find((item) => item.id === alertId)?.starts_at).toBe('+010000-01-01T00:00:00.000Z');
      const detail = await http<One>(run.api, 'GET', `/v1/alerts/${alertId}`, { headers: writer });
      expect(detail.status).toBe(200);
      const ack = await http<One>(run.api, 'POST', `/v1/alerts/${alertId}/acknowledge`, { body: {}, headers: writer });
      expect(ack.status).toBe(200);
      expect(ack.body.data.version).toBe(2);
    });

    it('should list and show the threat case', async () => {
      const list = await http<{ items: { id: string }[] }>(run.api, 'GET', '/v1/threat-cases', { headers: writer });
      expect(list.status).toBe(200);
      expect(list.body.items.map((item) => item.id)).toContain(caseId);
      const detail = await http(run.api, 'GET', `/v1/threat-cases/${caseId}`, { headers: writer });
      expect(detail.status).toBe(200);
    });
  });
});
