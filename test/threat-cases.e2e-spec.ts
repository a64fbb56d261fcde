import { publicId } from '@app/common';
import { Prisma, Tenant, ThreatCaseStatus } from '@app/database';

import { http, HttpResult, startApi, TestApi } from './utils/api';
import { alertRow, World } from './utils/world';

const STATUSES: ThreatCaseStatus[] = [
  'INITIATED',
  'REQUESTED',
  'FOLLOW_ON',
  'ESCALATED',
  'PSAP_CONTACTED',
  'VERIFIED',
  'DISMISSED',
  'CANCELLED',
  'UNVERIFIABLE',
  'TIMEOUT',
  'ERROR',
  'CLOSED',
];

interface TimelineEvent {
  type: string;
  message: string | null;
  alert_id: string | null;
  user_id: string;
  from_status: string | null;
  to_status: string | null;
}
interface CaseBody {
  id: string;
  tenant_id: string;
  status: string;
  alert_ids: string[];
  timeline: TimelineEvent[];
  verification_history: { alert_index: number | null; current: { alert_id: string | null; clip_verification_id: string | null } | null; records: unknown[] };
  siren_settings: { clip_id: string | null; duration_seconds: number | null; play_count: number | null } | null;
  submitted_at: string | null;
  deleted: boolean;
  deleted_by: string | null;
  version: number;
}
type One = { data: CaseBody };
type List = { items: CaseBody[]; total: number | null; pagination: { next_cursor: string | null; has_next: boolean; total_pages: number | null } };
interface SeedCase {
  uuid: string;
  createdAtMillis: number;
  status: string;
  [field: string]: unknown;
}
type QueryAnswer = { data: { threatCases: SeedCase[]; lastEvaluatedKey: string | null; [field: string]: unknown } };

/** Every field seed 003 documents, of its answer, a threat case and a timeline event. */
const SEED_ANSWER_FIELDS = ['error', 'errorMsg', 'lastEvaluatedKey', 'threatCases', 'warningMsg'];
const SEED_CASE_FIELDS = [
  'associatedDeviceUuids',
  'createdAtMillis',
  'deleted',
  'deviceUuid',
  'locationName',
  'locationUuid',
  'noonlightAlarmId',
  'noonlightVerificationId',
  'orgUuid',
  'policyAlertUuid',
  'policyAlertUuids',
  'promptTheme',
  'promptTitle',
  'sharedClipGroupUuid',
  'sirenSettings',
  'status',
  'subLocationsHierarchyKey',
  'submissionTimestampMs',
  'submitDelayExpireTimestampMs',
  'timelineEventList',
  'uuid',
  'verificationHistory',
];
const SEED_EVENT_FIELDS = ['alertUuid', 'message', 'noonlightVerificationId', 'timestampSec', 'type', 'userUuid'];
const SEED_VERIFICATION_FIELDS = [
  'alertUuid',
  'clipVerificationId',
  'failedAsClip',
  'failedAsStream',
  'initiatedAsClip',
  'sentAsClip',
  'sentAsClipAtMs',
  'sentAsWindowedStream',
  'sentAsWindowedStreamAtMs',
  'streamVerificationId',
];
const sortedKeys = (value: unknown) => Object.keys(value as object).sort();
type Problem = { type: string; errors?: { field: string; pointer: string; code: string }[]; [field: string]: unknown };

/** A case row straight in the database, for list and query data with chosen times. */
function caseRow(tenantId: string, fields: Partial<Prisma.ThreatCaseUncheckedCreateInput> = {}): Prisma.ThreatCaseUncheckedCreateInput {
  const createdAt = (fields.createdAt as Date | undefined) ?? new Date();
  return { id: publicId('tc', createdAt.getTime()), tenantId, createdBy: 'seed', createdAt, updatedAt: createdAt, ...fields };
}

describe('threat cases', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Cases'), world.tenant('Other')]);
    writer = world.bearer(tenant, ['cases:read', 'cases:write'], 'analyst-1');
    reader = world.bearer(tenant, ['cases:read'], 'reader');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  async function alerts(owner: Pick<Tenant, 'id'>, count: number): Promise<string[]> {
    const rows = Array.from({ length: count }, () => alertRow(owner.id));
    await world.prisma.alert.createMany({ data: rows });
    return rows.map((row) => row.id as string);
  }

  async function openCase(body: Record<string, unknown> = {}): Promise<CaseBody> {
    const alertIds = (body.alert_ids as string[] | undefined) ?? (await alerts(tenant, 1));
    const result = await http<One>(api, 'POST', '/v1/threat-cases', { body: { ...body, alert_ids: alertIds }, headers: writer });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  async function moveTo(id: string, status: ThreatCaseStatus, note?: string): Promise<HttpResult<One>> {
    return http<One>(api, 'POST', `/v1/threat-cases/${id}/transitions`, { body: { status, note }, headers: writer });
  }

  describe('create', () => {
    it('should open an INITIATED case from alerts, with timelines on the case and the alerts and one audit event per change', async () => {
      const alertIds = await alerts(tenant, 2);
      const result = await http<One>(api, 'POST', '/v1/threat-cases', {
        body: {
          alert_ids: [...alertIds, alertIds[0]],
          title: 'Person with a weapon',
          device_id: 'cam-1',
          location_id: 'site-1',
          location_name: 'HQ',
          siren_settings: { clip_id: 'clip-1', duration_seconds: 30, play_count: 2 },
          note: 'seen on camera',
        },
        headers: writer,
      });
      expect(result.status).toBe(201);
      const created = result.body.data;
      expect(result.headers.get('location')).toBe(`/v1/threat-cases/${created.id}`);
      expect(created).toEqual(
        expect.objectContaining({ status: 'INITIATED', tenant_id: tenant.id, alert_ids: alertIds, deleted: false, version: 1, submitted_at: null }),
      );
      expect(created.siren_settings).toEqual({ clip_id: 'clip-1', duration_seconds: 30, play_count: 2 });
      expect(created.timeline.map((e) => [e.type, e.alert_id, e.user_id])).toEqual([
        ['CREATED', null, 'analyst-1'],
        ['ALERT', alertIds[0], 'analyst-1'],
        ['ALERT', alertIds[1], 'analyst-1'],
      ]);
      expect(created.timeline[0].message).toBe('seen on camera');
      for (const alertId of alertIds) {
        const entries = await world.prisma.alertTimelineEntry.findMany({ where: { alertId } });
        expect(entries.map((e) => [e.action, e.actor, (e.details as { threat_case_id: string }).threat_case_id])).toEqual([
          ['added_to_threat_case', 'analyst-1', created.id],
        ]);
        expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, resourceId: alertId, action: 'alert.add_to_threat_case' } })).toBe(1);
      }
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, resourceId: created.id, action: 'threat_case.create' } })).toBe(1);
      const verify = await http<{ data: { valid: boolean } }>(api, 'GET', '/v1/audit-trail/verify', { headers: world.bearer(tenant, ['audit:read']) });
      expect(verify.body.data.valid).toBe(true);
    });

    it('should answer 422 listing unknown and foreign alert ids, and create nothing', async () => {
      const [own] = await alerts(tenant, 1);
      const [foreign] = await alerts(other, 1);
      const unknown = publicId('alr');
      const before = await world.prisma.threatCase.count({ where: { tenantId: tenant.id } });
      const result = await http<Problem>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [own, foreign, unknown] }, headers: writer });
      expect(result.status).toBe(422);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-alerts-not-found', alert_ids: [foreign, unknown] }));
      expect(await world.prisma.threatCase.count({ where: { tenantId: tenant.id } })).toBe(before);
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: own } })).toBe(0);
    });

    it.each([
      [{ alert_ids: [] }, 'alert_ids', 'length'],
      [{ alert_ids: ['alr_nope'] }, 'alert_ids', 'format'],
      [{ alert_ids: [publicId('alr')], siren_settings: { play_count: 0 } }, 'siren_settings.play_count', 'range'],
      [{ alert_ids: [publicId('alr')], prompt_theme: 'threat' }, 'prompt_theme', 'format'],
      [{ alert_ids: [publicId('alr')], colour: 'red' }, 'colour', 'unknown'],
    ])('should answer 400 for %j', async (body, field, code) => {
      const result = await http<Problem>(api, 'POST', '/v1/threat-cases', { body, headers: writer });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([expect.objectContaining({ field, code })]);
    });
  });

  describe('transitions', () => {
    it('should walk INITIATED → REQUESTED → ESCALATED → PSAP_CONTACTED → VERIFIED → CLOSED with a timeline event and an audit event each', async () => {
      const tc = await openCase();
      const path: ThreatCaseStatus[] = ['REQUESTED', 'ESCALATED', 'PSAP_CONTACTED', 'VERIFIED', 'CLOSED'];
      let current = tc;
      for (const status of path) {
        const result = await moveTo(tc.id, status, `to ${status}`);
        expect(result.status).toBe(200);
        expect(result.body.data.status).toBe(status);
        if (status === 'REQUESTED') expect(result.body.data.submitted_at).not.toBeNull();
        current = result.body.data;
      }
      expect(current.version).toBe(6);
      const changes = current.timeline.filter((e) => e.type === 'STATUS_CHANGED').map((e) => [e.from_status, e.to_status, e.message]);
      expect(changes).toEqual([
        ['INITIATED', 'REQUESTED', 'to REQUESTED'],
        ['REQUESTED', 'ESCALATED', 'to ESCALATED'],
        ['ESCALATED', 'PSAP_CONTACTED', 'to PSAP_CONTACTED'],
        ['PSAP_CONTACTED', 'VERIFIED', 'to VERIFIED'],
        ['VERIFIED', 'CLOSED', 'to CLOSED'],
      ]);
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: tc.id }, orderBy: { seq: 'asc' } });
      expect(audit.map((e) => e.action)).toEqual(['threat_case.create', ...path.map(() => 'threat_case.transition')]);
      const detail = await http<One>(api, 'GET', `/v1/threat-cases/${tc.id}`, { headers: reader });
      expect(detail.body.data).toEqual(current);
    });

    async function expectEveryForbiddenRefused(id: string, current: ThreatCaseStatus, allowed: ThreatCaseStatus[]): Promise<void> {
      const before = await world.prisma.threatCase.findUniqueOrThrow({ where: { id } });
      const forbidden = STATUSES.filter((status) => !allowed.includes(status));
      expect(forbidden.length).toBeGreaterThan(0);
      for (const status of forbidden) {
        const refused = await moveTo(id, status);
        expect([status, refused.status]).toEqual([status, 409]);
        expect(refused.body).toEqual(
          expect.objectContaining({
            type: '/problems/threat-case-invalid-transition',
            current_status: current,
            requested_status: status,
            allowed_statuses: allowed,
          }),
        );
      }
      const after = await world.prisma.threatCase.findUniqueOrThrow({ where: { id } });
      expect(after).toEqual(before);
      expect(await world.prisma.threatCaseEvent.count({ where: { caseId: id, type: 'STATUS_CHANGED', fromStatus: current } })).toBe(0);
    }

    it('should refuse every status but VERIFIED, UNVERIFIABLE and CLOSED from PSAP_CONTACTED with 409, changing nothing', async () => {
      const tc = await openCase();
      for (const status of ['ESCALATED', 'PSAP_CONTACTED'] as const) expect((await moveTo(tc.id, status)).status).toBe(200);
      await expectEveryForbiddenRefused(tc.id, 'PSAP_CONTACTED', ['VERIFIED', 'UNVERIFIABLE', 'CLOSED']);
    });

    // API.md's state machine, written out here rather than taken from the code under test.
    it.each<[ThreatCaseStatus, ThreatCaseStatus[], ThreatCaseStatus[]]>([
      ['INITIATED', [], ['REQUESTED', 'FOLLOW_ON', 'ESCALATED', 'DISMISSED', 'CANCELLED', 'TIMEOUT', 'ERROR', 'CLOSED']],
      ['TIMEOUT', ['TIMEOUT'], ['REQUESTED', 'CLOSED']],
      ['VERIFIED', ['ESCALATED', 'VERIFIED'], ['PSAP_CONTACTED', 'CLOSED']],
    ])('should refuse every status not allowed from %s with 409 naming the allowed ones, changing nothing', async (current, path, allowed) => {
      const tc = await openCase();
      for (const status of path) expect((await moveTo(tc.id, status)).status).toBe(200);
      await expectEveryForbiddenRefused(tc.id, current, allowed);
    });

    it('should refuse every status from CLOSED with 409, changing nothing', async () => {
      const tc = await openCase();
      expect((await moveTo(tc.id, 'CLOSED')).status).toBe(200);
      await expectEveryForbiddenRefused(tc.id, 'CLOSED', []);
    });

    it('should let only one of two concurrent final transitions win', async () => {
      const tc = await openCase();
      const results = await Promise.all([moveTo(tc.id, 'DISMISSED'), moveTo(tc.id, 'CANCELLED')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200) as HttpResult<One>;
      const row = await world.prisma.threatCase.findUniqueOrThrow({ where: { id: tc.id } });
      expect(row.status).toBe(winner.body.data.status);
      expect(row.version).toBe(2);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.transition' } })).toBe(1);
    });

    it('should explain a refused transition in the requested language', async () => {
      const tc = await openCase();
      await moveTo(tc.id, 'CLOSED');
      const refused = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/transitions`, {
        body: { status: 'REQUESTED' },
        headers: { ...writer, 'accept-language': 'id' },
      });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-language')).toBe('id');
      expect(refused.body).toEqual(expect.objectContaining({ title: 'Perubahan status tidak diizinkan', code: 10030001 }));
      expect(refused.body.detail).toContain('CLOSED');
    });

    it('should answer 400 for an unknown status and a missing one', async () => {
      const tc = await openCase();
      const bad = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/transitions`, { body: { status: 'OPEN' }, headers: writer });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'status', code: 'enum' })]);
      const missing = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/transitions`, { body: {}, headers: writer });
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'status', code: 'required' })]);
    });
  });

  describe('notes, verifications and alert links', () => {
    it('should add a note to the timeline', async () => {
      const tc = await openCase();
      const result = await http<One>(api, 'POST', `/v1/threat-cases/${tc.id}/timeline`, {
        body: { message: 'Guard reports the door forced' },
        headers: writer,
      });
      expect(result.status).toBe(201);
      expect(result.body.data.timeline.at(-1)).toEqual(
        expect.objectContaining({ type: 'NOTE', message: 'Guard reports the door forced', user_id: 'analyst-1' }),
      );
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.note' } })).toBe(1);
      expect((await http(api, 'POST', `/v1/threat-cases/${tc.id}/timeline`, { body: { message: '' }, headers: writer })).status).toBe(400);
    });

    it('should keep verification records, the newest as current, and refuse an alert not linked to the case', async () => {
      const alertIds = await alerts(tenant, 2);
      const tc = await openCase({ alert_ids: alertIds });
      await http(api, 'POST', `/v1/threat-cases/${tc.id}/verifications`, {
        body: { alert_id: alertIds[0], clip_verification_id: 'clip-v-1', initiated_as_clip: true, failed_as_clip: true },
        headers: writer,
      });
      const second = await http<One>(api, 'POST', `/v1/threat-cases/${tc.id}/verifications`, {
        body: { alert_id: alertIds[1], sent_as_windowed_stream: true, sent_as_windowed_stream_at: '2025-04-30T08:15:00Z' },
        headers: writer,
      });
      expect(second.status).toBe(201);
      const history = second.body.data.verification_history;
      expect(history.records).toHaveLength(2);
      expect(history.current).toEqual(
        expect.objectContaining({ alert_id: alertIds[1], clip_verification_id: null, sent_as_windowed_stream_at: '2025-04-30T08:15:00.000Z' }),
      );
      expect(history.alert_index).toBe(1);
      expect(second.body.data.timeline.filter((e) => e.type === 'VERIFICATION').map((e) => e.alert_id)).toEqual(alertIds);
      const [stranger] = await alerts(tenant, 1);
      const refused = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/verifications`, { body: { alert_id: stranger }, headers: writer });
      expect(refused.status).toBe(422);
      expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-alerts-not-linked', alert_ids: [stranger] }));
      expect(await world.prisma.threatCaseVerification.count({ where: { caseId: tc.id } })).toBe(2);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.verification' } })).toBe(2);
    });

    it('should link new alerts (timelines on both, audit events), leave linked ones alone, and unlink', async () => {
      const [first, second] = await alerts(tenant, 2);
      const tc = await openCase({ alert_ids: [first] });
      const linked = await http<One>(api, 'POST', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [first, second] }, headers: writer });
      expect(linked.status).toBe(200);
      expect(linked.body.data.alert_ids).toEqual([first, second]);
      expect(linked.body.data.timeline.filter((e) => e.type === 'ALERT').map((e) => e.alert_id)).toEqual([first, second]);
      expect((await world.prisma.alertTimelineEntry.findMany({ where: { alertId: second } })).map((e) => e.action)).toEqual(['added_to_threat_case']);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.link_alerts' } })).toBe(1);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: second, action: 'alert.add_to_threat_case' } })).toBe(1);

      const unlinked = await http<One>(api, 'DELETE', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [first] }, headers: writer });
      expect(unlinked.status).toBe(200);
      expect(unlinked.body.data.alert_ids).toEqual([second]);
      expect(unlinked.body.data.timeline.at(-1)).toEqual(expect.objectContaining({ type: 'ALERT_UNLINKED', alert_id: first }));
      expect(
        (await world.prisma.alertTimelineEntry.findMany({ where: { alertId: first }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((e) => e.action),
      ).toEqual(['added_to_threat_case', 'removed_from_threat_case']);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: first, action: 'alert.remove_from_threat_case' } })).toBe(1);

      const notLinked = await http<Problem>(api, 'DELETE', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [first] }, headers: writer });
      expect(notLinked.status).toBe(422);
      expect(notLinked.body.alert_ids).toEqual([first]);
    });

    it('should refuse to link another tenant’s alert with 422 and link nothing', async () => {
      const tc = await openCase();
      const [own] = await alerts(tenant, 1);
      const [foreign] = await alerts(other, 1);
      const result = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [own, foreign] }, headers: writer });
      expect(result.status).toBe(422);
      expect(result.body.alert_ids).toEqual([foreign]);
      expect(await world.prisma.threatCaseAlert.count({ where: { caseId: tc.id } })).toBe(1);
      expect(await world.prisma.alertTimelineEntry.count({ where: { alertId: foreign } })).toBe(0);
    });
  });

  describe('bounds the document states', () => {
    it('should refuse a link past 1,000 alerts with 409, linking nothing, and keep linking up to it', async () => {
      const tc = await openCase();
      const held = await alerts(tenant, 998);
      await world.prisma.threatCaseAlert.createMany({
        data: held.map((alertId) => ({ caseId: tc.id, alertId, tenantId: tenant.id, linkedBy: 'seed', linkedAt: new Date() })),
      });
      const [last, beyond, further] = await alerts(tenant, 3);
      const refused = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [last, beyond] }, headers: writer });
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-alert-limit', linked: 999, limit: 1_000, threat_case_id: tc.id }));
      expect(await world.prisma.threatCaseAlert.count({ where: { caseId: tc.id } })).toBe(999);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.link_alerts' } })).toBe(0);
      const linked = await http<One>(api, 'POST', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [last] }, headers: writer });
      expect(linked.status).toBe(200);
      expect(linked.body.data.alert_ids).toHaveLength(1_000);
      expect((await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/alerts`, { body: { alert_ids: [last, further] }, headers: writer })).status).toBe(
        409,
      );
      const query = await http<QueryAnswer>(api, 'POST', '/v1/threat-cases/query', { body: { maxPageSize: 5 }, headers: reader });
      expect((query.body.data.threatCases.find((c) => c.uuid === tc.id)?.policyAlertUuids as string[]).length).toBe(1_000);
    });

    it('should refuse a verification past 1,000 records with 409, recording nothing', async () => {
      const tc = await openCase();
      await world.prisma.threatCaseVerification.createMany({
        data: Array.from({ length: 1_000 }, (_, i) => ({
          id: publicId('tcv', Date.now() + i),
          tenantId: tenant.id,
          caseId: tc.id,
          createdBy: 'seed',
          createdAt: new Date(Date.now() + i),
        })),
      });
      const refused = await http<Problem>(api, 'POST', `/v1/threat-cases/${tc.id}/verifications`, {
        body: { clip_verification_id: 'clip-over' },
        headers: writer,
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/threat-case-verification-limit', limit: 1_000 }));
      expect(await world.prisma.threatCaseVerification.count({ where: { caseId: tc.id } })).toBe(1_000);
      expect((await http<One>(api, 'GET', `/v1/threat-cases/${tc.id}`, { headers: reader })).body.data.version).toBe(tc.version);
    });

    it('should answer the oldest 10,000 timeline events and at most 1,000 controls with their count', async () => {
      const tc = await openCase();
      const start = Date.now() - 86_400_000;
      await world.prisma.threatCaseEvent.createMany({
        data: Array.from({ length: 10_000 }, (_, i) => ({
          id: publicId('tce', start + i),
          tenantId: tenant.id,
          caseId: tc.id,
          type: 'NOTE' as const,
          message: `n${i}`,
          userId: 'seed',
          at: new Date(start + i),
        })),
      });
      const controls = Array.from({ length: 1_001 }, (_, i) => `PCI:${Math.floor(i / 100) + 1}.${i % 100}`).sort();
      await world.prisma.threatCase.update({ where: { id: tc.id }, data: { controls } });
      const read = (
        await http<{ data: CaseBody & { controls: string[]; controls_count: number } }>(api, 'GET', `/v1/threat-cases/${tc.id}`, { headers: reader })
      ).body.data;
      expect(read.timeline).toHaveLength(10_000);
      expect(read.timeline[0].message).toBe('n0');
      expect(read.timeline.at(-1)?.message).toBe('n9999');
      expect(read.controls).toEqual(controls.slice(0, 1_000));
      expect(read.controls_count).toBe(1_001);
    }, 60_000);
  });

  describe('soft deletion', () => {
    it('should hide a deleted case from reads, lists and changes, and show it to admin with include_deleted', async () => {
      const tc = await openCase({ device_id: 'cam-deleted' });
      const deleted = await http(api, 'DELETE', `/v1/threat-cases/${tc.id}`, { headers: writer });
      expect(deleted.status).toBe(204);
      expect((await http(api, 'GET', `/v1/threat-cases/${tc.id}`, { headers: reader })).status).toBe(404);
      expect((await http<List>(api, 'GET', '/v1/threat-cases?device_id=cam-deleted', { headers: reader })).body.items).toEqual([]);
      expect((await moveTo(tc.id, 'REQUESTED')).status).toBe(404);
      expect((await http(api, 'DELETE', `/v1/threat-cases/${tc.id}`, { headers: writer })).status).toBe(404);

      const refused = await http<Problem>(api, 'GET', `/v1/threat-cases/${tc.id}?include_deleted=true`, { headers: reader });
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('/problems/missing-scope');
      expect((await http(api, 'GET', '/v1/threat-cases?include_deleted=true', { headers: writer })).status).toBe(403);

      const admin = await world.admin();
      const shown = await http<One>(api, 'GET', `/v1/threat-cases/${tc.id}?include_deleted=true`, { headers: admin });
      expect(shown.status).toBe(200);
      expect(shown.body.data).toEqual(expect.objectContaining({ deleted: true, deleted_by: 'analyst-1', status: 'INITIATED' }));
      expect(shown.body.data.timeline.at(-1)?.type).toBe('DELETED');
      const listed = await http<List>(api, 'GET', `/v1/threat-cases?include_deleted=true&tenant_id=${tenant.id}&device_id=cam-deleted`, { headers: admin });
      expect(listed.body.items.map((c) => c.id)).toEqual([tc.id]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.delete' } })).toBe(1);
    });
  });

  describe('list', () => {
    let listTenant: Tenant;
    let headers: Record<string, string>;
    const day = (d: string) => new Date(`${d}T12:00:00Z`);

    beforeAll(async () => {
      listTenant = await world.tenant('Case list');
      headers = world.bearer(listTenant, ['cases:read']);
      for (const row of [
        caseRow(listTenant.id, { title: 'A', status: 'INITIATED', deviceId: 'cam-1', locationId: 'site-1', createdAt: day('2025-04-01') }),
        caseRow(listTenant.id, {
          title: 'B',
          status: 'ESCALATED',
          deviceId: 'cam-2',
          associatedDeviceIds: ['cam-1'],
          locationId: 'site-1',
          createdAt: day('2025-04-02'),
        }),
        caseRow(listTenant.id, { title: 'C', status: 'CLOSED', deviceId: 'cam-3', locationId: 'site-2', createdAt: day('2025-04-03') }),
        caseRow(listTenant.id, { title: 'D', status: 'VERIFIED', deviceId: 'cam-4', locationId: 'site-3', createdAt: day('2025-04-04') }),
        caseRow(listTenant.id, { title: 'E', status: 'CLOSED', deviceId: 'cam-5', locationId: 'site-2', createdAt: day('2025-04-05') }),
      ]) {
        await world.prisma.threatCase.create({ data: row });
      }
      await world.prisma.threatCase.create({ data: caseRow(other.id, { title: 'Other tenant', deviceId: 'cam-1' }) });
    });

    const titles = (result: HttpResult<List>) => result.body.items.map((c) => (c as unknown as { title: string }).title);

    it('should filter by multi-value status in both syntaxes, device (own or associated), location and dates', async () => {
      const comma = await http<List>(api, 'GET', '/v1/threat-cases?status=CLOSED,VERIFIED&sort_direction=asc', { headers });
      expect(titles(comma)).toEqual(['C', 'D', 'E']);
      expect(titles(await http<List>(api, 'GET', '/v1/threat-cases?status=CLOSED&status=VERIFIED&sort_direction=asc', { headers }))).toEqual(['C', 'D', 'E']);
      expect(titles(await http<List>(api, 'GET', '/v1/threat-cases?device_id=cam-1&sort_direction=asc', { headers }))).toEqual(['A', 'B']);
      expect(titles(await http<List>(api, 'GET', '/v1/threat-cases?location_id=site-2,site-3&status=CLOSED', { headers }))).toEqual(['E', 'C']);
      expect(titles(await http<List>(api, 'GET', '/v1/threat-cases?created_from=2025-04-02&created_to=2025-04-04&sort_direction=asc', { headers }))).toEqual([
        'B',
        'C',
      ]);
    });

    it('should page by offset with the total and by cursor through every case once', async () => {
      const offset = await http<List>(api, 'GET', '/v1/threat-cases?page=2&page_size=2', { headers });
      expect(offset.body.total).toBe(5);
      expect(titles(offset)).toEqual(['C', 'B']);
      const seen: string[] = [];
      let path = '/v1/threat-cases?pagination=cursor&page_size=2';
      for (;;) {
        const page = await http<List>(api, 'GET', path, { headers });
        expect(page.status).toBe(200);
        seen.push(...titles(page));
        if (!page.body.pagination.next_cursor) break;
        path = `/v1/threat-cases?page_size=2&cursor=${encodeURIComponent(page.body.pagination.next_cursor)}`;
      }
      expect(seen).toEqual(['E', 'D', 'C', 'B', 'A']);
    });

    it.each([
      ['status=OPEN', 'status', 'enum'],
      ['page_size=201', 'page_size', 'range'],
      ['sort_by=title', 'sort_by', 'enum'],
      ['created_from=2025-04-05&created_to=2025-04-01', 'created_to', 'range'],
    ])('should answer 400 for %s', async (query, field, code) => {
      const result = await http<Problem>(api, 'GET', `/v1/threat-cases?${query}`, { headers });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([expect.objectContaining({ field, code })]);
    });

    it('should answer 400 invalid-cursor for a tampered cursor', async () => {
      const first = await http<List>(api, 'GET', '/v1/threat-cases?pagination=cursor&page_size=1', { headers });
      const cursor = first.body.pagination.next_cursor as string;
      const result = await http<Problem>(api, 'GET', `/v1/threat-cases?cursor=${encodeURIComponent(`x${cursor.slice(1)}`)}`, { headers });
      expect(result.status).toBe(400);
      expect(result.body.type).toBe('/problems/invalid-cursor');
    });
  });

  describe('query (seed 003)', () => {
    let queryTenant: Tenant;
    let headers: Record<string, string>;
    let ids: string[];
    const base = Date.UTC(2025, 0, 1);

    beforeAll(async () => {
      queryTenant = await world.tenant('Case query');
      headers = world.bearer(queryTenant, ['cases:read']);
      // 25 cases; pairs share a millisecond so the id has to break ties.
      const rows = Array.from({ length: 25 }, (_, i) =>
        caseRow(queryTenant.id, {
          createdAt: new Date(base + Math.floor(i / 2) * 60_000),
          deviceId: i % 5 === 0 ? 'cam-special' : `cam-${i}`,
          locationId: 'site-q',
          status: i % 3 === 0 ? 'REQUESTED' : 'INITIATED',
        }),
      );
      for (const row of rows) await world.prisma.threatCase.create({ data: row });
      ids = rows.map((row) => row.id as string);
      await world.prisma.threatCase.create({ data: caseRow(other.id, { createdAt: new Date(base), locationId: 'site-q' }) });
    });

    async function query(body: Record<string, unknown>, as = headers): Promise<HttpResult<QueryAnswer & Problem>> {
      return http<QueryAnswer & Problem>(api, 'POST', '/v1/threat-cases/query', { body, headers: as });
    }

    it('should page through all 25 cases 7 at a time by lastEvaluatedKey, each exactly once, newest first', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let lastEvaluatedKey: string | null = null;
      do {
        const page = await query({ locationFilter: ['site-q'], maxPageSize: 7, lastEvaluatedKey });
        expect(page.status).toBe(200);
        sizes.push(page.body.data.threatCases.length);
        seen.push(...page.body.data.threatCases.map((c) => c.uuid));
        lastEvaluatedKey = page.body.data.lastEvaluatedKey;
      } while (lastEvaluatedKey);
      expect(sizes).toEqual([7, 7, 7, 4]);
      expect(seen).toEqual([...ids].reverse());
      expect(new Set(seen).size).toBe(25);
    });

    it.each([true, false])(
      'should visit every case that existed at the start exactly once while cases are inserted between pages (mostRecent %s)',
      async (mostRecent) => {
        const pagingTenant = await world.tenant(`Case query paging ${String(mostRecent)}`);
        const as = world.bearer(pagingTenant, ['cases:read', 'cases:write'], 'pager');
        // 12 cases, three to a millisecond, so that ties on created_at are broken by the id.
        const initial = Array.from({ length: 12 }, (_, i) =>
          caseRow(pagingTenant.id, { createdAt: new Date(base + Math.floor(i / 3) * 1_000), locationId: 'site-p' }),
        );
        for (const row of initial) await world.prisma.threatCase.create({ data: row });
        const byKey = (a: Prisma.ThreatCaseUncheckedCreateInput, b: Prisma.ThreatCaseUncheckedCreateInput) =>
          (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime() || (a.id < b.id ? -1 : 1);
        const startIds = [...initial].sort(byKey).map((row) => row.id as string);
        const [alertId] = await alerts(pagingTenant, 1);
        const seen: string[] = [];
        let lastEvaluatedKey: string | null = null;
        let pages = 0;
        do {
          const page = await query({ locationFilter: ['site-p'], maxPageSize: 2, mostRecent, lastEvaluatedKey }, as);
          expect(page.status).toBe(200);
          seen.push(...page.body.data.threatCases.map((c) => c.uuid));
          lastEvaluatedKey = page.body.data.lastEvaluatedKey;
          // Between pages: a case through the API (created now) and one sharing the millisecond of every
          // third initial case (its id falls before or after theirs), ahead of and behind the walk.
          const created = await http<One>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [alertId], location_id: 'site-p' }, headers: as });
          expect(created.status).toBe(201);
          const twin = initial[(pages * 3) % initial.length].createdAt as Date;
          await world.prisma.threatCase.create({ data: caseRow(pagingTenant.id, { createdAt: twin, locationId: 'site-p' }) });
          pages += 1;
        } while (lastEvaluatedKey && pages < 50);
        expect(lastEvaluatedKey).toBeNull();
        expect(new Set(seen).size).toBe(seen.length);
        const expected = mostRecent ? [...startIds].reverse() : startIds;
        expect(seen.filter((id) => startIds.includes(id))).toEqual(expected);
      },
    );

    it('should page oldest first with mostRecent false, and continue from lastTimestampMs + lastUuid like from lastEvaluatedKey', async () => {
      const first = await query({ locationFilter: ['site-q'], maxResults: 5, mostRecent: false });
      expect(first.body.data.threatCases.map((c) => c.uuid)).toEqual(ids.slice(0, 5));
      const last = first.body.data.threatCases[4];
      const byKey = await query({ locationFilter: ['site-q'], maxResults: 5, mostRecent: false, lastEvaluatedKey: first.body.data.lastEvaluatedKey });
      const byClear = await query({ locationFilter: ['site-q'], maxResults: 5, mostRecent: false, lastTimestampMs: last.createdAtMillis, lastUuid: last.uuid });
      expect(byKey.body.data.threatCases.map((c) => c.uuid)).toEqual(ids.slice(5, 10));
      expect(byClear.body.data.threatCases.map((c) => c.uuid)).toEqual(ids.slice(5, 10));
      expect((await query({ locationFilter: ['site-q'], maxPageSize: 3, maxResults: 9 })).body.data.threatCases).toHaveLength(3);
    });

    it('should take every field of seed 003’s body and answer cases in its shape', async () => {
      const [alertId] = await alerts(queryTenant, 1);
      const writerQ = world.bearer(queryTenant, ['cases:read', 'cases:write'], 'operator-7');
      const created = await http<One>(api, 'POST', '/v1/threat-cases', {
        body: {
          alert_ids: [alertId],
          title: 'Intruder',
          device_id: 'cam-seed',
          associated_device_ids: ['cam-aux'],
          location_id: 'site-seed',
          location_name: 'Warehouse',
          sub_locations_hierarchy_key: 'site-seed.hall',
          siren_settings: { clip_id: 'clip-9', duration_seconds: 10, play_count: 1 },
        },
        headers: writerQ,
      });
      await http(api, 'POST', `/v1/threat-cases/${created.body.data.id}/verifications`, {
        body: { alert_id: alertId, sent_as_clip: true, sent_as_clip_at: '2025-05-01T00:00:00Z' },
        headers: writerQ,
      });
      const now = Date.now();
      const answer = await query({
        afterTimestampMs: now - 3_600_000,
        beforeTimestampMs: now + 3_600_000,
        deviceFilter: ['cam-seed', null],
        lastEvaluatedKey: null,
        lastTimestampMs: null,
        lastUuid: null,
        locationFilter: ['site-seed'],
        maxPageSize: 123,
        maxResults: 100,
        mostRecent: true,
        statusFilter: ['INITIATED'],
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data.lastEvaluatedKey).toBeNull();
      expect(answer.body.data.threatCases).toHaveLength(1);
      const tc = answer.body.data.threatCases[0];
      expect(tc).toEqual(
        expect.objectContaining({
          uuid: created.body.data.id,
          orgUuid: queryTenant.id,
          status: 'INITIATED',
          deviceUuid: 'cam-seed',
          associatedDeviceUuids: ['cam-aux'],
          locationUuid: 'site-seed',
          locationName: 'Warehouse',
          subLocationsHierarchyKey: 'site-seed.hall',
          policyAlertUuid: alertId,
          policyAlertUuids: [alertId],
          promptTheme: 'THREAT',
          promptTitle: 'Intruder',
          submissionTimestampMs: null,
          deleted: false,
          sirenSettings: { clipUuid: 'clip-9', durationSeconds: 10, playCount: 1 },
        }),
      );
      expect(tc.createdAtMillis).toBe(Date.parse((created.body.data as unknown as { created_at: string }).created_at));
      expect(tc.timelineEventList).toEqual([
        expect.objectContaining({ type: 'CREATED', userUuid: 'operator-7', alertUuid: null, timestampSec: Math.floor(tc.createdAtMillis / 1000) }),
        expect.objectContaining({ type: 'ALERT', alertUuid: alertId }),
        expect.objectContaining({ type: 'VERIFICATION', alertUuid: alertId }),
      ]);
      expect(tc.verificationHistory).toEqual({
        alertIndex: 0,
        currentVerification: expect.objectContaining({
          alertUuid: alertId,
          sentAsClip: true,
          sentAsClipAtMs: Date.parse('2025-05-01T00:00:00Z'),
          failedAsClip: false,
        }),
        verificationRecords: [expect.objectContaining({ alertUuid: alertId })],
      });

      // Every field seed 003 documents is there; those without a counterpart here are null, not missing.
      expect(sortedKeys(answer.body.data)).toEqual(SEED_ANSWER_FIELDS);
      expect(answer.body.data).toEqual(expect.objectContaining({ error: false, errorMsg: null, warningMsg: null }));
      expect(sortedKeys(tc)).toEqual(SEED_CASE_FIELDS);
      expect(tc).toEqual(
        expect.objectContaining({ noonlightAlarmId: null, noonlightVerificationId: null, sharedClipGroupUuid: null, submitDelayExpireTimestampMs: null }),
      );
      for (const event of tc.timelineEventList as Record<string, unknown>[]) {
        expect(sortedKeys(event)).toEqual(SEED_EVENT_FIELDS);
        expect(event.noonlightVerificationId).toBeNull();
      }
      const history = tc.verificationHistory as { currentVerification: unknown; verificationRecords: unknown[] };
      expect(sortedKeys(history)).toEqual(['alertIndex', 'currentVerification', 'verificationRecords']);
      expect(sortedKeys(history.currentVerification)).toEqual(SEED_VERIFICATION_FIELDS);
      expect(sortedKeys(tc.sirenSettings)).toEqual(['clipUuid', 'durationSeconds', 'playCount']);
    });

    it('should parse seed 003’s example body as written, refusing only its placeholder key', async () => {
      const seedExample = {
        afterTimestampMs: 1640995200000,
        beforeTimestampMs: 1641081600000,
        deviceFilter: ['AAAAAAAAAAAAAAAAAAAAAA'],
        lastEvaluatedKey: '<string>',
        lastTimestampMs: 1640995200000,
        lastUuid: 'AAAAAAAAAAAAAAAAAAAAAA',
        locationFilter: ['AAAAAAAAAAAAAAAAAAAAAA'],
        maxPageSize: 123,
        maxResults: 100,
        mostRecent: true,
        statusFilter: ['INITIATED'],
      };
      const refused = await query(seedExample);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'lastEvaluatedKey', pointer: '/body/lastEvaluatedKey' })]);
      const accepted = await query({ ...seedExample, lastEvaluatedKey: null });
      expect(accepted.status).toBe(200);
      expect(accepted.body.data).toEqual({ error: false, errorMsg: null, warningMsg: null, threatCases: [], lastEvaluatedKey: null });
    });

    it('should answer 400 invalid-cursor for a tampered lastEvaluatedKey or one of another filter', async () => {
      const first = await query({ locationFilter: ['site-q'], maxPageSize: 2 });
      const key = first.body.data.lastEvaluatedKey as string;
      const tampered = await query({ locationFilter: ['site-q'], maxPageSize: 2, lastEvaluatedKey: `x${key.slice(1)}` });
      expect(tampered.status).toBe(400);
      expect(tampered.body.type).toBe('/problems/invalid-cursor');
      expect(tampered.body.errors).toEqual([expect.objectContaining({ field: 'lastEvaluatedKey', pointer: '/body/lastEvaluatedKey' })]);
      const otherFilter = await query({ locationFilter: ['site-q'], statusFilter: ['REQUESTED'], maxPageSize: 2, lastEvaluatedKey: key });
      expect(otherFilter.body.type).toBe('/problems/invalid-cursor');
      const otherTenant = await query({ locationFilter: ['site-q'], maxPageSize: 2, lastEvaluatedKey: key }, world.bearer(other, ['cases:read']));
      expect(otherTenant.body.type).toBe('/problems/invalid-cursor');
    });

    it.each([
      [{ statusFilter: ['OPEN'] }, 'statusFilter', 'enum'],
      [{ afterTimestampMs: 2000, beforeTimestampMs: 1000 }, 'beforeTimestampMs', 'range'],
      [{ maxPageSize: 0 }, 'maxPageSize', 'range'],
      [{ lastUuid: 'tc_x' }, 'lastTimestampMs', 'required'],
      [{ afterTimestampMs: 'yesterday' }, 'afterTimestampMs', 'type'],
      [{ lastEvaluatedKey: 'k', lastTimestampMs: 1 }, 'lastEvaluatedKey', 'invalid'],
      [{ after_timestamp_ms: 1 }, 'after_timestamp_ms', 'unknown'],
    ])('should answer 400 for %j', async (body, field, code) => {
      const result = await query(body);
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual([expect.objectContaining({ field, code })]);
    });

    it('should take seed 003’s API key headers (x-auth-apikey with x-auth-scheme) like X-API-Key', async () => {
      const { headers: key } = await world.apiKey(queryTenant, ['cases:read']);
      const rhombus = { 'x-auth-apikey': key['x-api-key'], 'x-auth-scheme': 'api-token' };
      const answer = await query({ locationFilter: ['site-q'], maxPageSize: 200 }, rhombus);
      expect(answer.status).toBe(200);
      expect(answer.body.data.threatCases.map((c) => c.uuid)).toEqual([...ids].reverse());
      const refused = await query({}, { 'x-auth-apikey': `ak_${'x'.repeat(43)}`, 'x-auth-scheme': 'api-token' });
      expect(refused.status).toBe(401);
      expect(refused.body.type).toBe('/problems/invalid-api-key');
      const unscoped = await world.apiKey(queryTenant, ['alerts:read']);
      const forbidden = await query({}, { 'x-auth-apikey': unscoped.headers['x-api-key'] });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.type).toBe('/problems/missing-scope');
    });

    it('should show only the caller’s tenant', async () => {
      const answer = await query({ locationFilter: ['site-q'], maxPageSize: 200 });
      expect(answer.body.data.threatCases).toHaveLength(25);
      expect(new Set(answer.body.data.threatCases.map((c) => c.orgUuid))).toEqual(new Set([queryTenant.id]));
    });
  });

  describe('tenancy and authorisation', () => {
    it('should answer 404 for another tenant’s case on read and on every change and sub-resource, and change nothing', async () => {
      const [foreignAlert] = await alerts(other, 1);
      const foreign = (await http<One>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [foreignAlert] }, headers: world.bearer(other, ['cases:write']) }))
        .body.data;
      const [ownAlert] = await alerts(tenant, 1);
      const requests: [string, string, unknown][] = [
        ['GET', '', undefined],
        ['POST', '/transitions', { status: 'REQUESTED' }],
        ['POST', '/timeline', { message: 'x' }],
        // Bodies that would succeed on the foreign tenant's side: only the tenancy can refuse them.
        ['POST', '/verifications', { alert_id: foreignAlert, clip_verification_id: 'clip-v-x', sent_as_clip: true }],
        ['POST', '/alerts', { alert_ids: [ownAlert] }],
        ['DELETE', '/alerts', { alert_ids: [foreignAlert] }],
        ['POST', '/approvals', { decision: 'approve' }],
        ['DELETE', '', undefined],
      ];
      for (const [method, suffix, body] of requests) {
        const result = await http<Problem>(api, method, `/v1/threat-cases/${foreign.id}${suffix}`, { body, headers: method === 'GET' ? reader : writer });
        expect([method, suffix, result.status, result.body.type]).toEqual([method, suffix, 404, '/problems/resource-not-found']);
      }
      const row = await world.prisma.threatCase.findUniqueOrThrow({ where: { id: foreign.id } });
      expect(row).toEqual(expect.objectContaining({ status: 'INITIATED', deleted: false, version: 1, closeRequestedBy: null }));
      expect(await world.prisma.threatCaseEvent.count({ where: { caseId: foreign.id } })).toBe(2);
      expect(await world.prisma.threatCaseVerification.count({ where: { caseId: foreign.id } })).toBe(0);
      expect((await world.prisma.threatCaseAlert.findMany({ where: { caseId: foreign.id } })).map((link) => link.alertId)).toEqual([foreignAlert]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: foreign.id } })).toBe(1);
    });

    it('should answer 404 for an unknown id and 400 for a malformed one', async () => {
      const unknown = await http<Problem>(api, 'GET', `/v1/threat-cases/${publicId('tc')}`, { headers: reader });
      expect(unknown.status).toBe(404);
      expect(unknown.body.type).toBe('/problems/resource-not-found');
      expect((await moveTo(publicId('tc'), 'REQUESTED')).status).toBe(404);
      const malformed = await http<Problem>(api, 'GET', '/v1/threat-cases/alr_123', { headers: reader });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'id', code: 'format' })]);
    });

    it('should answer 403 when a scope is missing', async () => {
      const tc = await openCase();
      const [alertId] = await alerts(tenant, 1);
      const alertsOnly = world.bearer(tenant, ['alerts:read', 'alerts:write']);
      const cases: [string, string, Record<string, string>, unknown][] = [
        ['POST', '/v1/threat-cases', reader, { alert_ids: [alertId] }],
        ['POST', `/v1/threat-cases/${tc.id}/transitions`, reader, { status: 'REQUESTED' }],
        ['DELETE', `/v1/threat-cases/${tc.id}`, reader, undefined],
        ['GET', '/v1/threat-cases', alertsOnly, undefined],
        ['GET', `/v1/threat-cases/${tc.id}`, alertsOnly, undefined],
        ['POST', '/v1/threat-cases/query', alertsOnly, {}],
      ];
      for (const [method, path, headers, body] of cases) {
        const result = await http<Problem>(api, method, path, { headers, body });
        expect([method, path, result.status, result.body.type]).toEqual([method, path, 403, '/problems/missing-scope']);
      }
      expect((await world.prisma.threatCase.findUniqueOrThrow({ where: { id: tc.id } })).status).toBe('INITIATED');
    });
  });
});
