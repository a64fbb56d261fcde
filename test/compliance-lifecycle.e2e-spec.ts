import { publicId } from '@app/common';
import { Prisma, Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

interface AlertBody {
  id: string;
  status: string;
  severity: string;
  time_to_acknowledge_seconds: number | null;
  time_to_resolve_seconds: number | null;
}
interface Settings {
  tenant_id: string;
  retention_days: number;
  note_required_from: string | null;
  four_eyes_close: boolean;
  defaults: boolean;
  version: number;
}
interface CaseBody {
  id: string;
  status: string;
  close_request: { requested_by: string; requested_at: string; note: string | null } | null;
  timeline: { type: string; user_id: string; message: string | null; to_status: string | null }[];
}
type Problem = { type: string; code: number; status: number; errors?: { field: string; pointer: string; code: string }[]; [key: string]: unknown };

const at = (iso: string) => new Date(iso);

/**
 * The lifecycle items of issue 8: alerts open at a point in time (2), response times per alert (3),
 * required notes and four eyes (4), and the tenant settings behind them.
 */
describe('compliance: point in time, response times, reasons and four eyes', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let officer: Record<string, string>;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Lifecycle'), world.tenant('Lifecycle other')]);
    officer = world.bearer(tenant, ['compliance:read', 'compliance:write'], 'officer');
    analyst = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write', 'exports:read', 'exports:write'], 'analyst-1');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function settings(body: object, headers = officer): Promise<Settings> {
    const result = await http<{ data: Settings }>(api, 'PATCH', '/v1/compliance/settings', { body, headers });
    expect(result.status).toBe(200);
    return result.body.data;
  }

  async function createAlert(severity: string, headers = analyst): Promise<AlertBody> {
    const result = await http<{ data: AlertBody }>(api, 'POST', '/v1/alerts', {
      body: { type: 'lifecycle', source: 'edr', title: `A ${severity} alert`, severity },
      headers,
    });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  const act = (id: string, action: string, note?: string, headers = analyst) =>
    http<AlertBody & Problem>(api, 'POST', `/v1/alerts/${id}/${action}`, { body: note === undefined ? {} : { note }, headers });

  describe('settings', () => {
    it('should answer the defaults (400 days, notes from high, no four eyes) until changed, then the change, audited', async () => {
      const fresh = await http<{ data: Settings }>(api, 'GET', '/v1/compliance/settings', { headers: officer });
      expect(fresh.body.data).toEqual(
        expect.objectContaining({ tenant_id: tenant.id, retention_days: 400, note_required_from: 'high', four_eyes_close: false, defaults: true, version: 0 }),
      );
      const changed = await settings({ retention_days: 500 });
      expect(changed).toEqual(expect.objectContaining({ retention_days: 500, note_required_from: 'high', defaults: false, version: 1 }));
      const event = await world.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: 'compliance.settings_update' } });
      expect(event.details).toEqual({
        from: { retention_days: 400, note_required_from: 'high', four_eyes_close: false },
        to: { retention_days: 500, note_required_from: 'high', four_eyes_close: false },
      });
      expect((await settings({ retention_days: 500 })).version).toBe(1);
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'compliance.settings_update' } })).toBe(1);
    });

    it.each([
      ['a retention under PCI DSS 10.5.1’s twelve months', { retention_days: 300 }, 'retention_days', 'range'],
      ['a retention that is not a number', { retention_days: '400' }, 'retention_days', 'type'],
      ['an unknown severity', { note_required_from: 'urgent' }, 'note_required_from', 'enum'],
      ['an unknown field', { retention: 400 }, 'retention', 'unknown'],
    ])('should answer 400 for %s and change nothing', async (_name, body, field, code) => {
      const before = await world.prisma.complianceSettings.findUnique({ where: { tenantId: tenant.id } });
      const result = await http<Problem>(api, 'PATCH', '/v1/compliance/settings', { body, headers: officer });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([expect.objectContaining({ field, pointer: `/body/${field}`, code })]);
      expect(await world.prisma.complianceSettings.findUnique({ where: { tenantId: tenant.id } })).toEqual(before);
    });

    it('should need compliance:read to read and compliance:write to change, and keep each tenant’s settings apart', async () => {
      expect((await http(api, 'GET', '/v1/compliance/settings', { headers: world.bearer(tenant, ['alerts:read']) })).status).toBe(403);
      expect(
        (await http(api, 'PATCH', '/v1/compliance/settings', { body: { retention_days: 999 }, headers: world.bearer(tenant, ['compliance:read']) })).status,
      ).toBe(403);
      const theirs = await http<{ data: Settings }>(api, 'GET', '/v1/compliance/settings', { headers: world.bearer(other, ['compliance:read']) });
      expect(theirs.body.data).toEqual(expect.objectContaining({ tenant_id: other.id, retention_days: 400, defaults: true }));
    });
  });

  describe('open_at', () => {
    let ids: Record<string, string>;

    beforeAll(async () => {
      const base = { type: 'open-at' };
      const rows = {
        // Through the timeline: opened 1 Mar, resolved 10 Mar, reopened 20 Mar, resolved again 25 Mar.
        reopened: alertRow(tenant.id, {
          ...base,
          createdAt: at('2025-03-01T00:00:00Z'),
          status: 'resolved',
          resolvedAt: at('2025-03-25T00:00:00Z'),
          updatedAt: at('2025-03-25T00:00:00Z'),
        }),
        // Loaded without a timeline: the lifecycle timestamps decide.
        dismissed: alertRow(tenant.id, {
          ...base,
          createdAt: at('2025-03-05T00:00:00Z'),
          status: 'dismissed',
          dismissedAt: at('2025-03-15T00:00:00Z'),
          updatedAt: at('2025-03-15T00:00:00Z'),
        }),
        stillOpen: alertRow(tenant.id, { ...base, createdAt: at('2025-03-02T00:00:00Z'), status: 'acknowledged', acknowledgedAt: at('2025-03-03T00:00:00Z') }),
        later: alertRow(tenant.id, { ...base, createdAt: at('2025-04-01T00:00:00Z') }),
        foreign: alertRow(other.id, { ...base, createdAt: at('2025-03-01T00:00:00Z') }),
      };
      await world.prisma.alert.createMany({ data: Object.values(rows) });
      ids = Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.id as string]));
      const entry = (when: string, action: string, from: string | null, to: string): Prisma.AlertTimelineEntryCreateManyInput => ({
        id: publicId('atl', at(when).getTime()),
        tenantId: tenant.id,
        alertId: ids.reopened,
        at: at(when),
        actor: 'analyst',
        action,
        fromStatus: from,
        toStatus: to,
      });
      await world.prisma.alertTimelineEntry.createMany({
        data: [
          entry('2025-03-01T00:00:00Z', 'created', null, 'open'),
          entry('2025-03-10T00:00:00Z', 'resolved', 'open', 'resolved'),
          { ...entry('2025-03-12T00:00:00Z', 'assigned', null, 'open'), toStatus: null },
          entry('2025-03-20T00:00:00Z', 'reopened', 'resolved', 'open'),
          entry('2025-03-25T00:00:00Z', 'resolved', 'open', 'resolved'),
        ],
      });
    });

    const openAt = async (instant: string, extra = '') => {
      const result = await http<{ items: AlertBody[] }>(api, 'GET', `/v1/alerts?type=open-at&open_at=${encodeURIComponent(instant)}&page_size=50${extra}`, {
        headers: analyst,
      });
      expect(result.status).toBe(200);
      return result.body.items.map((a) => a.id).sort();
    };

    it.each([
      ['before anything existed', '2025-02-01T00:00:00Z', []],
      ['at the very creation instant', '2025-03-01T00:00:00Z', ['reopened']],
      ['while all three were open', '2025-03-06T00:00:00Z', ['reopened', 'dismissed', 'stillOpen']],
      ['at the instant of the first resolution (closed at it)', '2025-03-10T00:00:00Z', ['dismissed', 'stillOpen']],
      ['between resolution and reopening', '2025-03-18T00:00:00Z', ['stillOpen']],
      ['after the reopening', '2025-03-21T00:00:00Z', ['reopened', 'stillOpen']],
      ['after the final resolution', '2025-03-30T00:00:00Z', ['stillOpen']],
      ['now', '2030-01-01T00:00:00Z', ['stillOpen', 'later']],
    ])('should answer the alerts open %s', async (_name, instant, expected) => {
      expect(await openAt(instant)).toEqual(expected.map((name) => ids[name]).sort());
    });

    it('should read a date-only open_at in the request time zone and combine with the other filters and statistics', async () => {
      // 2025-03-21 00:00 in Jakarta is 2025-03-20T17:00Z: after the reopening (2025-03-20T00:00Z).
      expect(await openAt('2025-03-21', '&timezone=Asia/Jakarta')).toEqual([ids.reopened, ids.stillOpen].sort());
      expect(await openAt('2025-03-21T00:00:00Z', '&status=acknowledged')).toEqual([ids.stillOpen]);
      const stats = await http<{ data: { total: number } }>(api, 'GET', '/v1/alerts/stats/status?type=open-at&open_at=2025-03-06T00:00:00Z', {
        headers: analyst,
      });
      expect(stats.body.data.total).toBe(3);
    });

    it('should follow lifecycle actions made through the API', async () => {
      const alert = await createAlert('low');
      const resolved = await act(alert.id, 'resolve');
      expect(resolved.status).toBe(200);
      const afterResolve = new Date(Date.now() + 1).toISOString();
      const list = await http<{ items: AlertBody[] }>(api, 'GET', `/v1/alerts?type=lifecycle&open_at=${afterResolve}&page_size=200`, { headers: analyst });
      expect(list.body.items.map((a) => a.id)).not.toContain(alert.id);
      await act(alert.id, 'reopen');
      const afterReopen = new Date(Date.now() + 1).toISOString();
      const again = await http<{ items: AlertBody[] }>(api, 'GET', `/v1/alerts?type=lifecycle&open_at=${afterReopen}&page_size=200`, { headers: analyst });
      expect(again.body.items.map((a) => a.id)).toContain(alert.id);
    });

    it('should answer 400 for a malformed open_at', async () => {
      const result = await http<Problem>(api, 'GET', '/v1/alerts?open_at=yesterday', { headers: analyst });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([expect.objectContaining({ field: 'open_at', pointer: '/query/open_at', code: 'format' })]);
    });
  });

  describe('response times per alert', () => {
    it('should give time to acknowledge and to resolve in seconds, null until reached, as the statistics define them', async () => {
      const row = alertRow(tenant.id, {
        type: 'response-times',
        severity: 'critical',
        createdAt: at('2025-05-01T00:00:00Z'),
        acknowledgedAt: at('2025-05-01T00:01:30.500Z'),
        resolvedAt: at('2025-05-01T02:00:00Z'),
        status: 'resolved',
      });
      const pending = alertRow(tenant.id, { type: 'response-times', severity: 'critical', createdAt: at('2025-05-01T00:00:00Z') });
      await world.prisma.alert.createMany({ data: [row, pending] });
      const one = await http<{ data: AlertBody }>(api, 'GET', `/v1/alerts/${row.id}`, { headers: analyst });
      expect(one.body.data).toEqual(expect.objectContaining({ time_to_acknowledge_seconds: 90.5, time_to_resolve_seconds: 7200 }));
      const list = await http<{ items: AlertBody[] }>(api, 'GET', '/v1/alerts?type=response-times&sort_by=id&sort_direction=asc', { headers: analyst });
      expect(list.body.items.map((a) => [a.time_to_acknowledge_seconds, a.time_to_resolve_seconds])).toEqual([
        [90.5, 7200],
        [null, null],
      ]);
      const stats = await http<{ data: { severity: string; time_to_acknowledge: { mean_seconds: number }; time_to_resolve: { mean_seconds: number } }[] }>(
        api,
        'GET',
        '/v1/alerts/stats/response-times?type=response-times',
        { headers: analyst },
      );
      const critical = stats.body.data.find((s) => s.severity === 'critical');
      expect([critical?.time_to_acknowledge.mean_seconds, critical?.time_to_resolve.mean_seconds]).toEqual([90.5, 7200]);
    });

    it('should put both in the export columns', async () => {
      const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
        body: { resource: 'alerts', format: 'ndjson', scope: 'filtered', filters: { type: ['response-times'] } },
        headers: analyst,
      });
      await waitForExport(api, started.body.data.job_id, analyst);
      const lines = (await downloadExport(api, started.body.data.job_id, analyst)).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((l) => [l.time_to_acknowledge_seconds, l.time_to_resolve_seconds])).toEqual(
        expect.arrayContaining([
          [90.5, 7200],
          [null, null],
        ]),
      );
    });
  });

  describe('required notes', () => {
    it('should refuse to resolve or dismiss a high alert without a note (422 on note), and change nothing', async () => {
      const alert = await createAlert('high');
      for (const action of ['resolve', 'dismiss']) {
        for (const note of [undefined, '   ']) {
          const refused = await act(alert.id, action, note);
          expect(refused.status).toBe(422);
          expect(refused.body).toEqual(
            expect.objectContaining({ type: '/problems/alert-note-required', code: 10020003, note_required_from: 'high', severity: 'high' }),
          );
          expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'note', pointer: '/body/note', code: 'required' })]);
        }
      }
      const stored = await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } });
      expect(stored).toEqual(expect.objectContaining({ status: 'open', version: 1 }));
      expect(await world.prisma.auditEvent.count({ where: { resourceId: alert.id, action: { in: ['alert.resolve', 'alert.dismiss'] } } })).toBe(0);
      expect((await act(alert.id, 'resolve', 'Contained by EDR isolation')).status).toBe(200);
      expect((await act((await createAlert('medium')).id, 'dismiss')).status).toBe(200);
      expect((await act((await createAlert('critical')).id, 'acknowledge')).status).toBe(200);
    });

    it('should translate the problem', async () => {
      const alert = await createAlert('critical');
      const refused = await http<Problem>(api, 'POST', `/v1/alerts/${alert.id}/resolve`, { body: {}, headers: { ...analyst, 'accept-language': 'id' } });
      expect(refused.body.title).toBe('Catatan wajib diisi');
    });

    it('should follow the tenant’s threshold: from medium, and never (null)', async () => {
      await settings({ note_required_from: 'medium' });
      expect((await act((await createAlert('medium')).id, 'resolve')).status).toBe(422);
      expect((await act((await createAlert('low')).id, 'resolve')).status).toBe(200);
      await settings({ note_required_from: null });
      expect((await act((await createAlert('critical')).id, 'dismiss')).status).toBe(200);
      await settings({ note_required_from: 'high' });
    });

    it('should give each alert of a bulk action its outcome: note_required for those that need one', async () => {
      const [high, low] = [await createAlert('high'), await createAlert('low')];
      const result = await http<{ data: { updated: number; outcomes: { id: string; outcome: string; status: string }[] } }>(
        api,
        'POST',
        '/v1/alerts/bulk/resolve',
        { body: { ids: [high.id, low.id] }, headers: analyst },
      );
      expect(result.body.data.updated).toBe(1);
      expect(result.body.data.outcomes).toEqual([
        { id: high.id, outcome: 'note_required', status: 'open' },
        { id: low.id, outcome: 'updated', status: 'resolved' },
      ]);
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: high.id } })).status).toBe('open');
      const withNote = await http<{ data: { updated: number } }>(api, 'POST', '/v1/alerts/bulk/resolve', {
        body: { ids: [high.id], note: 'Batch review by the SOC' },
        headers: analyst,
      });
      expect(withNote.body.data.updated).toBe(1);
    });

    it('should let Alertmanager resolve a critical alert without a note (a system resolution)', async () => {
      const ingest = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
      const alert = { labels: { alertname: 'Down', severity: 'critical' }, annotations: {}, startsAt: '2026-05-12T07:46:50Z', fingerprint: 'fp-note-exempt' };
      const payload = (status: string, endsAt: string) => ({
        version: '4',
        groupKey: '{}',
        truncatedAlerts: 0,
        status,
        receiver: 'r',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://am',
        alerts: [{ ...alert, status, endsAt }],
      });
      await http(api, 'POST', '/v1/ingest/alertmanager', { body: payload('firing', '0001-01-01T00:00:00Z'), headers: ingest });
      const resolved = await http<{ data: { resolved: number } }>(api, 'POST', '/v1/ingest/alertmanager', {
        body: payload('resolved', '2026-05-12T08:00:00Z'),
        headers: ingest,
      });
      expect(resolved.body.data.resolved).toBe(1);
      expect((await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: 'fp-note-exempt' } })).status).toBe('resolved');
    });
  });

  describe('four eyes', () => {
    const second = () => world.bearer(tenant, ['cases:read', 'cases:write'], 'analyst-2');

    async function openCase(): Promise<CaseBody> {
      const row = alertRow(tenant.id);
      await world.prisma.alert.create({ data: row });
      const result = await http<{ data: CaseBody }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [row.id] }, headers: analyst });
      return result.body.data;
    }

    const close = (id: string, headers = analyst, note = 'Incident handled') =>
      http<{ data: CaseBody }>(api, 'POST', `/v1/threat-cases/${id}/transitions`, { body: { status: 'CLOSED', note }, headers });
    const decide = (id: string, body: object, headers: Record<string, string>) =>
      http<{ data: CaseBody } & Problem>(api, 'POST', `/v1/threat-cases/${id}/approvals`, { body, headers });

    it('should close at once while the tenant has four eyes off, and refuse an approval then (409)', async () => {
      const tc = await openCase();
      expect((await close(tc.id)).body.data.status).toBe('CLOSED');
      const nothing = await decide(tc.id, {}, second());
      expect(nothing.status).toBe(409);
      expect(nothing.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-no-close-request', code: 10030005, current_status: 'CLOSED' }));
    });

    describe('with four eyes on', () => {
      beforeAll(async () => {
        await settings({ four_eyes_close: true });
      });

      afterAll(async () => {
        await settings({ four_eyes_close: false });
      });

      it('should turn CLOSED into a pending request (202) that another person approves, every step in the timeline and the audit trail', async () => {
        const tc = await openCase();
        const requested = await close(tc.id);
        expect(requested.status).toBe(202);
        expect(requested.body.data.status).toBe('INITIATED');
        expect(requested.body.data.close_request).toEqual(expect.objectContaining({ requested_by: 'analyst-1', note: 'Incident handled' }));
        expect((await close(tc.id)).status).toBe(202); // asking again changes nothing
        const self = await decide(tc.id, {}, analyst);
        expect(self.status).toBe(403);
        expect(self.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-self-approval', code: 10030004, requested_by: 'analyst-1' }));
        const approved = await decide(tc.id, { note: 'Evidence reviewed' }, second());
        expect(approved.status).toBe(200);
        expect(approved.body.data).toEqual(expect.objectContaining({ status: 'CLOSED', close_request: null }));
        expect(approved.body.data.timeline.slice(2).map((e) => [e.type, e.user_id, e.message, e.to_status])).toEqual([
          ['CLOSE_REQUESTED', 'analyst-1', 'Incident handled', null],
          ['CLOSE_APPROVED', 'analyst-2', 'Evidence reviewed', null],
          ['STATUS_CHANGED', 'analyst-2', 'Incident handled', 'CLOSED'],
        ]);
        const audit = await world.prisma.auditEvent.findMany({
          where: { tenantId: tenant.id, resourceId: tc.id, action: { startsWith: 'threat_case.' } },
          orderBy: { seq: 'asc' },
        });
        expect(audit.map((e) => `${e.actor}:${e.action}`)).toEqual([
          'analyst-1:threat_case.create',
          'analyst-1:threat_case.close_request',
          'analyst-2:threat_case.close_approve',
          'analyst-2:threat_case.transition',
        ]);
        expect(audit[3].details).toEqual(expect.objectContaining({ to: 'CLOSED', requested_by: 'analyst-1', approved_by: 'analyst-2' }));
      });

      it('should let another person reject the request and the requester withdraw it, leaving the case open', async () => {
        const tc = await openCase();
        await close(tc.id);
        const rejected = await decide(tc.id, { decision: 'reject', note: 'Root cause still unknown' }, second());
        expect(rejected.body.data).toEqual(expect.objectContaining({ status: 'INITIATED', close_request: null }));
        expect((await decide(tc.id, {}, second())).status).toBe(409);
        await close(tc.id);
        const withdrawn = await decide(tc.id, { decision: 'reject' }, analyst);
        expect(withdrawn.status).toBe(200);
        expect(withdrawn.body.data.timeline.map((e) => e.type)).toEqual([
          'CREATED',
          'ALERT',
          'CLOSE_REQUESTED',
          'CLOSE_REJECTED',
          'CLOSE_REQUESTED',
          'CLOSE_WITHDRAWN',
        ]);
        expect(
          await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: { in: ['threat_case.close_reject', 'threat_case.close_withdraw'] } } }),
        ).toBe(2);
      });

      it('should withdraw a pending request when the case moves elsewhere', async () => {
        const tc = await openCase();
        await close(tc.id);
        const moved = await http<{ data: CaseBody }>(api, 'POST', `/v1/threat-cases/${tc.id}/transitions`, { body: { status: 'REQUESTED' }, headers: analyst });
        expect(moved.body.data).toEqual(expect.objectContaining({ status: 'REQUESTED', close_request: null }));
        expect(moved.body.data.timeline.slice(-2).map((e) => e.type)).toEqual(['CLOSE_WITHDRAWN', 'STATUS_CHANGED']);
      });

      it('should keep approvals to the case’s tenant and to cases:write, and refuse a bad decision', async () => {
        const tc = await openCase();
        await close(tc.id);
        expect((await decide(tc.id, {}, world.bearer(other, ['cases:read', 'cases:write'], 'stranger'))).status).toBe(404);
        expect((await decide(tc.id, {}, world.bearer(tenant, ['cases:read'], 'reader'))).status).toBe(403);
        const bad = await decide(tc.id, { decision: 'maybe' }, second());
        expect(bad.status).toBe(400);
        expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'decision', code: 'enum' })]);
        expect((await world.prisma.threatCase.findUniqueOrThrow({ where: { id: tc.id } })).closeRequestedBy).toBe('analyst-1');
      });
    });
  });
});
