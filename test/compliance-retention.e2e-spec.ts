import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';

import { publicId } from '@app/common';
import { RETENTION_JOBS, RETENTION_QUEUE, RetentionPurgeService } from '@app/compliance';
import { Prisma, Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

interface HoldBody {
  id: string;
  tenant_id: string;
  scope: string;
  threat_case_id: string | null;
  active: boolean;
  released_by: string | null;
  release_note: string | null;
}
interface TenantPurge {
  tenant_id: string;
  retention_days: number;
  cutoff: string;
  held: boolean;
  alerts_purged: number;
  alert_timeline_entries_purged: number;
  threat_case_links_removed: number;
  export_jobs_purged: number;
  export_files_removed: number;
  alert_ids_sha256: string;
  export_job_ids_sha256: string;
  time_range: { from: string | null; to: string | null };
  audit_event_id: string;
}
type Problem = { type: string; code: number; errors?: { field: string; code: string }[]; [key: string]: unknown };

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const sortedIdsSha256 = (ids: string[]) =>
  createHash('sha256')
    .update(
      [...ids]
        .sort()
        .map((id) => `${id}\n`)
        .join(''),
    )
    .digest('hex');

/**
 * Retention and legal hold (issue 8, item 5): holds on the tenant or a case through the API, and the
 * purge of what expired (closed alerts with their timeline and case links, export jobs with their
 * files), which never touches what a hold covers nor the audit trail, and records itself there.
 * The purge is always run for one tenant here: the specs share a database and other specs' alerts are old.
 */
describe('compliance: retention and legal holds', () => {
  let api: TestApi;
  const world = new World();
  let admin: Record<string, string>;
  const exportDir = process.env.EXPORT_DIR as string;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    admin = await world.admin();
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  const officerOf = (tenant: Tenant) => world.bearer(tenant, ['compliance:read', 'compliance:write', 'cases:read', 'cases:write'], 'officer');

  async function purge(tenant: Pick<Tenant, 'id'>): Promise<TenantPurge> {
    const result = await http<{ data: { tenants: TenantPurge[]; tenant_count: number; alerts_purged: number } }>(
      api,
      'POST',
      '/v1/compliance/retention/purge',
      { body: { tenant_id: tenant.id }, headers: admin },
    );
    expect(result.status).toBe(200);
    expect(result.body.data.tenants).toHaveLength(1);
    expect(result.body.data).toEqual(expect.objectContaining({ tenant_count: 1, alerts_purged: result.body.data.tenants[0].alerts_purged }));
    return result.body.data.tenants[0];
  }

  async function hold(tenant: Tenant, body: object): Promise<HoldBody> {
    const result = await http<{ data: HoldBody }>(api, 'POST', '/v1/compliance/legal-holds', {
      body: { reason: 'Litigation hold', ...body },
      headers: officerOf(tenant),
    });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  async function caseWith(tenant: Tenant, alertIds: string[]): Promise<string> {
    const result = await http<{ data: { id: string } }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: alertIds }, headers: officerOf(tenant) });
    expect(result.status).toBe(201);
    return result.body.data.id;
  }

  describe('the purge', () => {
    let tenant: Tenant;
    let rows: Record<string, Prisma.AlertUncheckedCreateInput>;
    let heldCase: string;
    let releasedCase: string;
    let oldExport: { id: string; file: string };
    let recentExport: string;
    let result: TenantPurge;
    let auditBefore: number;

    beforeAll(async () => {
      tenant = await world.tenant('Retention');
      const closed = (days: number, fields: Partial<Prisma.AlertUncheckedCreateInput> = {}) =>
        alertRow(tenant.id, {
          status: 'resolved',
          createdAt: daysAgo(days + 1),
          updatedAt: daysAgo(days),
          resolvedAt: daysAgo(days),
          resolvedBy: 'analyst',
          ...fields,
        });
      rows = {
        expired: closed(500),
        expiredDismissed: closed(401, { status: 'dismissed', resolvedAt: null, resolvedBy: null, dismissedAt: daysAgo(401), dismissedBy: 'analyst' }),
        recent: closed(100),
        oldButOpen: alertRow(tenant.id, { createdAt: daysAgo(900), updatedAt: daysAgo(900) }),
        inHeldCase: closed(600),
        inReleasedCase: closed(700, { controls: ['PCI:10.5.1'] }),
      };
      await world.prisma.alert.createMany({ data: Object.values(rows) });
      await world.prisma.alertTimelineEntry.createMany({
        data: [rows.expired, rows.expired, rows.recent].map((row, i) => ({
          id: publicId('atl'),
          tenantId: tenant.id,
          alertId: row.id as string,
          at: daysAgo(500),
          actor: 'analyst',
          action: i === 1 ? 'resolved' : 'created',
          toStatus: i === 1 ? 'resolved' : 'open',
        })),
      });
      await world.prisma.idempotencyKey.create({
        data: { tenantId: tenant.id, key: 'retention-key', requestHash: 'a'.repeat(64), resourceId: rows.expired.id as string },
      });
      heldCase = await caseWith(tenant, [rows.inHeldCase.id as string]);
      releasedCase = await caseWith(tenant, [rows.inReleasedCase.id as string, rows.recent.id as string]);
      await hold(tenant, { scope: 'threat_case', threat_case_id: heldCase });
      const released = await hold(tenant, { scope: 'threat_case', threat_case_id: releasedCase });
      expect(
        (await http(api, 'POST', `/v1/compliance/legal-holds/${released.id}/release`, { body: { note: 'Matter closed' }, headers: officerOf(tenant) })).status,
      ).toBe(200);
      // The linking wrote entries on the alerts' own timelines too; they go with their alerts.
      const exporter = world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write'], 'exporter');
      const exportIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
          body: { resource: 'alerts', format: 'csv', scope: 'all' },
          headers: exporter,
        });
        await waitForExport(api, started.body.data.job_id, exporter);
        exportIds.push(started.body.data.job_id);
      }
      await world.prisma.exportJob.update({ where: { id: exportIds[0] }, data: { createdAt: daysAgo(450) } });
      oldExport = { id: exportIds[0], file: join(exportDir, tenant.id, `${exportIds[0]}.csv`) };
      recentExport = exportIds[1];
      expect(existsSync(oldExport.file)).toBe(true);
      auditBefore = await world.prisma.auditEvent.count({ where: { tenantId: tenant.id } });
      result = await purge(tenant);
    });

    const exists = async (name: string) => (await world.prisma.alert.count({ where: { id: rows[name].id as string } })) === 1;

    it('should purge closed alerts last changed before the retention, with their timeline, case links and idempotency keys', async () => {
      expect(await exists('expired')).toBe(false);
      expect(await exists('expiredDismissed')).toBe(false);
      expect(await exists('inReleasedCase')).toBe(false);
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: { in: [rows.expired.id as string, rows.inReleasedCase.id as string] } } })).toBe(
        0,
      );
      expect(await world.prisma.idempotencyKey.count({ where: { tenantId: tenant.id, key: 'retention-key' } })).toBe(0);
      const kept = await world.prisma.threatCase.findUniqueOrThrow({ where: { id: releasedCase }, include: { alerts: true } });
      expect(kept.alerts.map((l) => l.alertId)).toEqual([rows.recent.id]);
      expect(kept.controls).toEqual([]);
      expect(result).toEqual(expect.objectContaining({ retention_days: 400, held: false, alerts_purged: 3, threat_case_links_removed: 1 }));
      // expired: 2 entries of its own; inReleasedCase: its added_to_threat_case entry.
      expect(result.alert_timeline_entries_purged).toBe(3);
    });

    it('should keep recent closed alerts, open ones however old, and alerts of a case under an active hold', async () => {
      for (const name of ['recent', 'oldButOpen', 'inHeldCase']) expect({ name, exists: await exists(name) }).toEqual({ name, exists: true });
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: rows.recent.id as string } })).toBeGreaterThan(0);
    });

    it('should purge finished export jobs older than the retention with their files, and keep recent ones', async () => {
      expect(await world.prisma.exportJob.count({ where: { id: oldExport.id } })).toBe(0);
      expect(existsSync(oldExport.file)).toBe(false);
      expect(await world.prisma.exportJob.count({ where: { id: recentExport } })).toBe(1);
      expect(result).toEqual(
        expect.objectContaining({ export_jobs_purged: 1, export_files_removed: 1, export_job_ids_sha256: sortedIdsSha256([oldExport.id]) }),
      );
    });

    it('should never purge the audit trail, and append one retention.purge event with the counts, time range and id digest', async () => {
      const purged = [rows.expired, rows.expiredDismissed, rows.inReleasedCase];
      expect(result.alert_ids_sha256).toBe(sortedIdsSha256(purged.map((row) => row.id as string)));
      const created = purged.map((row) => (row.createdAt as Date).getTime());
      expect(result.time_range).toEqual({ from: new Date(Math.min(...created)).toISOString(), to: new Date(Math.max(...created)).toISOString() });
      expect(new Date(result.cutoff).getTime()).toBeLessThan(daysAgo(399).getTime());
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id } })).toBe(auditBefore + 1);
      const event = await world.prisma.auditEvent.findFirstOrThrow({ where: { id: result.audit_event_id } });
      expect(event).toEqual(expect.objectContaining({ tenantId: tenant.id, action: 'retention.purge', actor: 'root-operator', outcome: 'success' }));
      expect(event.details).toEqual(
        expect.objectContaining({ alerts_purged: 3, alert_ids_sha256: result.alert_ids_sha256, time_range: result.time_range, export_jobs_purged: 1 }),
      );
      const verify = await http<{ data: { valid: boolean } }>(api, 'GET', '/v1/audit-trail/verify', { headers: world.bearer(tenant, ['audit:read']) });
      expect(verify.body.data.valid).toBe(true);
    });

    it('should purge nothing more when run again, and still record the run', async () => {
      const again = await purge(tenant);
      expect(again).toEqual(
        expect.objectContaining({ alerts_purged: 0, export_jobs_purged: 0, alert_ids_sha256: sortedIdsSha256([]), time_range: { from: null, to: null } }),
      );
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'retention.purge' } })).toBe(2);
    });
  });

  it('should purge nothing of a tenant under a tenant-wide hold, and purge once the hold is released', async () => {
    const tenant = await world.tenant('Tenant hold');
    const expired = alertRow(tenant.id, { status: 'dismissed', createdAt: daysAgo(800), updatedAt: daysAgo(800), dismissedAt: daysAgo(800) });
    await world.prisma.alert.create({ data: expired });
    const placed = await hold(tenant, { scope: 'tenant', reference: 'REG-REQUEST-7' });
    expect(placed).toEqual(expect.objectContaining({ scope: 'tenant', threat_case_id: null, active: true }));
    const held = await purge(tenant);
    expect(held).toEqual(expect.objectContaining({ held: true, alerts_purged: 0 }));
    expect(await world.prisma.alert.count({ where: { id: expired.id as string } })).toBe(1);
    await http(api, 'POST', `/v1/compliance/legal-holds/${placed.id}/release`, { body: { note: 'Request answered' }, headers: officerOf(tenant) });
    expect((await purge(tenant)).alerts_purged).toBe(1);
  });

  it('should follow the tenant’s retention period', async () => {
    const tenant = await world.tenant('Long retention');
    const closed = alertRow(tenant.id, { status: 'resolved', createdAt: daysAgo(800), updatedAt: daysAgo(800), resolvedAt: daysAgo(800) });
    await world.prisma.alert.create({ data: closed });
    await http(api, 'PATCH', '/v1/compliance/settings', { body: { retention_days: 1000 }, headers: officerOf(tenant) });
    expect(await purge(tenant)).toEqual(expect.objectContaining({ retention_days: 1000, alerts_purged: 0 }));
    await http(api, 'PATCH', '/v1/compliance/settings', { body: { retention_days: 700 }, headers: officerOf(tenant) });
    expect((await purge(tenant)).alerts_purged).toBe(1);
  });

  it('should let only admin run the purge, and answer 404 for an unknown tenant and 400 for a malformed one', async () => {
    const tenant = await world.tenant('Purge rights');
    const refused = await http<Problem>(api, 'POST', '/v1/compliance/retention/purge', {
      body: { tenant_id: tenant.id },
      headers: world.bearer(tenant, ['compliance:write', 'compliance:read']),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.i18n_args).toEqual({ scope: 'admin' });
    expect((await http(api, 'POST', '/v1/compliance/retention/purge', { body: { tenant_id: publicId('tnt') }, headers: admin })).status).toBe(404);
    const bad = await http<Problem>(api, 'POST', '/v1/compliance/retention/purge', { body: { tenant_id: 'acme' }, headers: admin });
    expect(bad.status).toBe(400);
    expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'retention.purge' } })).toBe(0);
  });

  it('should schedule the daily purge as one repeatable job where the retention queue is consumed', async () => {
    const saved = process.env.RETENTION_PURGE_CRON;
    process.env.RETENTION_PURGE_CRON = '0 0 1 1 *';
    const scheduled = await startApi();
    try {
      const queue = scheduled.app.get<Queue>(getQueueToken(RETENTION_QUEUE));
      const jobs = (await queue.getRepeatableJobs()).filter((job) => job.name === RETENTION_JOBS.purge);
      expect(jobs.map((job) => [job.cron, job.tz])).toEqual([['0 0 1 1 *', 'UTC']]);
      for (const job of jobs) await queue.removeRepeatableByKey(job.key);
    } finally {
      await scheduled.close();
      process.env.RETENTION_PURGE_CRON = saved;
    }
  });

  /**
   * What the daily job (RetentionProcessor → purgeAll) does for each tenant, outside any request. purgeAll
   * itself is not run: it would purge other specs' old closed alerts and append a retention.purge event to
   * every tenant's audit trail, which other specs count. Its per-tenant step is run for this test's tenants.
   */
  it('should purge in the daily run an unheld tenant’s expired alerts, keep a tenant-held one’s, and record each as the system', async () => {
    const [free, held] = await Promise.all([world.tenant('Daily purge'), world.tenant('Daily purge held')]);
    const closed = (tenant: Tenant, days: number) =>
      alertRow(tenant.id, { status: 'resolved', createdAt: daysAgo(days + 1), updatedAt: daysAgo(days), resolvedAt: daysAgo(days), resolvedBy: 'analyst' });
    const rows = { freeExpired: closed(free, 800), freeKept: closed(free, 600), heldExpired: closed(held, 800) };
    try {
      await world.prisma.alert.createMany({ data: Object.values(rows) });
      expect((await http(api, 'PATCH', '/v1/compliance/settings', { body: { retention_days: 700 }, headers: officerOf(free) })).status).toBe(200);
      await hold(held, { scope: 'tenant', reference: 'DAILY-RUN' });
      const purger = api.app.get(RetentionPurgeService);
      const now = new Date();
      const [freeRun, heldRun] = [await purger.purgeTenant(free.id, now), await purger.purgeTenant(held.id, now)];

      const exists = async (row: Prisma.AlertUncheckedCreateInput) => (await world.prisma.alert.count({ where: { id: row.id as string } })) === 1;
      expect(await Promise.all(Object.values(rows).map(exists))).toEqual([false, true, true]);
      expect(freeRun).toEqual(
        expect.objectContaining({
          tenant_id: free.id,
          retention_days: 700,
          held: false,
          alerts_purged: 1,
          alert_ids_sha256: sortedIdsSha256([rows.freeExpired.id as string]),
        }),
      );
      expect(heldRun).toEqual(
        expect.objectContaining({ tenant_id: held.id, retention_days: 400, held: true, alerts_purged: 0, alert_ids_sha256: sortedIdsSha256([]) }),
      );
      for (const [tenant, run] of [
        [free, freeRun],
        [held, heldRun],
      ] as const) {
        const events = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, action: 'retention.purge' } });
        expect(events.map((e) => [e.id, e.actor, e.actorType, e.outcome, e.resourceId])).toEqual([
          [run.audit_event_id, 'retention-purge', 'system', 'success', tenant.id],
        ]);
        expect(events[0].details).toEqual(expect.objectContaining({ held: run.held, alerts_purged: run.alerts_purged, cutoff: run.cutoff }));
      }
    } finally {
      await world.prisma.alert.deleteMany({ where: { tenantId: { in: [free.id, held.id] } } });
    }
  });

  describe('legal holds', () => {
    let tenant: Tenant;
    let other: Tenant;

    beforeAll(async () => {
      [tenant, other] = await Promise.all([world.tenant('Holds'), world.tenant('Holds other')]);
    });

    it('should place a case hold, list and read it, release it once with a note, each step audited', async () => {
      const row = alertRow(tenant.id);
      await world.prisma.alert.create({ data: row });
      const caseId = await caseWith(tenant, [row.id as string]);
      const placed = await hold(tenant, { scope: 'threat_case', threat_case_id: caseId, reference: 'MATTER-17' });
      const listed = await http<{ items: HoldBody[] }>(api, 'GET', `/v1/compliance/legal-holds?active=true&threat_case_id=${caseId}`, {
        headers: officerOf(tenant),
      });
      expect(listed.body.items.map((h) => h.id)).toEqual([placed.id]);
      const released = await http<{ data: HoldBody }>(api, 'POST', `/v1/compliance/legal-holds/${placed.id}/release`, {
        body: { note: 'Settled' },
        headers: officerOf(tenant),
      });
      expect(released.body.data).toEqual(expect.objectContaining({ active: false, released_by: 'officer', release_note: 'Settled' }));
      const again = await http<Problem>(api, 'POST', `/v1/compliance/legal-holds/${placed.id}/release`, {
        body: { note: 'Twice' },
        headers: officerOf(tenant),
      });
      expect(again.status).toBe(409);
      expect(again.body).toEqual(expect.objectContaining({ type: '/problems/legal-hold-released', code: 10070001 }));
      expect(
        (await http<{ data: HoldBody }>(api, 'GET', `/v1/compliance/legal-holds/${placed.id}`, { headers: officerOf(tenant) })).body.data.release_note,
      ).toBe('Settled');
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: placed.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((e) => e.action)).toEqual(['legal_hold.place', 'legal_hold.release']);
      expect(audit[1].details).toEqual(expect.objectContaining({ note: 'Settled', threat_case_id: caseId }));
    });

    it('should refuse a hold on another tenant’s or an unknown case with 422, and keep holds to their tenant', async () => {
      const theirs = alertRow(other.id);
      await world.prisma.alert.create({ data: theirs });
      const theirCase = await caseWith(other, [theirs.id as string]);
      for (const caseId of [theirCase, publicId('tc')]) {
        const refused = await http<Problem>(api, 'POST', '/v1/compliance/legal-holds', {
          body: { scope: 'threat_case', threat_case_id: caseId, reason: 'x' },
          headers: officerOf(tenant),
        });
        expect(refused.status).toBe(422);
        expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/legal-hold-unknown-threat-case', code: 10070002, threat_case_id: caseId }));
      }
      const theirHold = await hold(other, { scope: 'tenant' });
      expect((await http(api, 'GET', `/v1/compliance/legal-holds/${theirHold.id}`, { headers: officerOf(tenant) })).status).toBe(404);
      expect(
        (await http(api, 'POST', `/v1/compliance/legal-holds/${theirHold.id}/release`, { body: { note: 'not mine' }, headers: officerOf(tenant) })).status,
      ).toBe(404);
      const mine = await http<{ items: HoldBody[] }>(api, 'GET', '/v1/compliance/legal-holds?page_size=200', { headers: officerOf(tenant) });
      expect(mine.body.items.every((h) => h.tenant_id === tenant.id)).toBe(true);
      expect((await world.prisma.legalHold.findUniqueOrThrow({ where: { id: theirHold.id } })).releasedAt).toBeNull();
    });

    it('should need compliance:read to list and compliance:write to place or release', async () => {
      expect((await http(api, 'GET', '/v1/compliance/legal-holds', { headers: world.bearer(tenant, ['alerts:read']) })).status).toBe(403);
      expect(
        (await http(api, 'POST', '/v1/compliance/legal-holds', { body: { scope: 'tenant', reason: 'x' }, headers: world.bearer(tenant, ['compliance:read']) }))
          .status,
      ).toBe(403);
    });

    it.each([
      ['a case hold without its case', { scope: 'threat_case', reason: 'x' }, 'threat_case_id', 'required'],
      ['a case hold with a malformed case id', { scope: 'threat_case', threat_case_id: 'case-1', reason: 'x' }, 'threat_case_id', 'format'],
      ['a tenant hold naming a case', { scope: 'tenant', threat_case_id: 'tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', reason: 'x' }, 'threat_case_id', 'invalid'],
      ['no reason', { scope: 'tenant' }, 'reason', 'required'],
      ['an unknown scope', { scope: 'everything', reason: 'x' }, 'scope', 'enum'],
    ])('should answer 400 for %s and place nothing', async (_name, body, field, code) => {
      const before = await world.prisma.legalHold.count({ where: { tenantId: tenant.id } });
      const result = await http<Problem>(api, 'POST', '/v1/compliance/legal-holds', { body, headers: officerOf(tenant) });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
      expect(await world.prisma.legalHold.count({ where: { tenantId: tenant.id } })).toBe(before);
    });

    it('should need a note to release', async () => {
      const placed = await hold(tenant, { scope: 'tenant' });
      const result = await http<Problem>(api, 'POST', `/v1/compliance/legal-holds/${placed.id}/release`, { body: {}, headers: officerOf(tenant) });
      expect(result.status).toBe(400);
      expect((await world.prisma.legalHold.findUniqueOrThrow({ where: { id: placed.id } })).releasedAt).toBeNull();
    });
  });
});
