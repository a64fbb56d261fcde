import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, parseCsv, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

interface AlertBody {
  id: string;
  type: string;
  controls: string[];
  version: number;
}
interface RuleBody {
  id: string;
  tenant_id: string;
  name: string;
  controls: string[];
  match: { types: string[]; source: string | null; labels: Record<string, string> };
  enabled: boolean;
  version: number;
}
interface CaseBody {
  id: string;
  controls: string[];
  alert_ids: string[];
}
type Problem = { type: string; code: number; errors?: { field: string; pointer: string; code: string }[] };

const AUTH_RULE = { name: 'Authentication events', controls: ['PCI:10.2.1.1', 'ISO27001:A.8.15'], match: { types: ['brute_force'] } };

function webhook(alerts: object[]): object {
  return {
    version: '4',
    groupKey: '{}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'soc',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am:9093',
    alerts,
  };
}

function amAlert(fingerprint: string, labels: Record<string, string>): object {
  return {
    status: 'firing',
    labels: { alertname: 'Probe', severity: 'warning', instance: 'vpn-gw-01', ...labels },
    annotations: { summary: 'probe' },
    startsAt: '2026-05-12T07:46:50Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint,
  };
}

/**
 * Control mapping (issue 8, item 1): the tenant's control rules assign ISO/IEC 27001 and PCI DSS control
 * ids to alerts created by hand, in batches and by Alertmanager; alerts are edited one by one (timeline
 * and audit), rules are re-applied to existing alerts, cases carry their alerts' union, and the list,
 * statistics and exports filter by `control`.
 */
describe('compliance: control mapping', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let officer: Record<string, string>;
  let analyst: Record<string, string>;
  let otherOfficer: Record<string, string>;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Controls'), world.tenant('Controls other')]);
    officer = world.bearer(tenant, ['compliance:read', 'compliance:write', 'alerts:read', 'alerts:write'], 'officer');
    analyst = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write', 'exports:read', 'exports:write'], 'analyst');
    otherOfficer = world.bearer(other, ['compliance:read', 'compliance:write', 'alerts:read', 'alerts:write'], 'other-officer');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function createRule(body: object, headers = officer): Promise<RuleBody> {
    const result = await http<{ data: RuleBody }>(api, 'POST', '/v1/compliance/control-rules', { body, headers });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  async function createAlert(body: object, headers = analyst): Promise<AlertBody> {
    const result = await http<{ data: AlertBody }>(api, 'POST', '/v1/alerts', {
      body: { source: 'auth-gateway', title: 'Login burst', severity: 'medium', ...body },
      headers,
    });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  describe('rules', () => {
    it('should create a rule, answer it with its Location, list and read it, and record it in the audit trail', async () => {
      const rule = await createRule(AUTH_RULE);
      expect(rule).toEqual(
        expect.objectContaining({
          tenant_id: tenant.id,
          controls: ['ISO27001:A.8.15', 'PCI:10.2.1.1'],
          match: { types: ['brute_force'], source: null, labels: {} },
          enabled: true,
          version: 1,
        }),
      );
      const list = await http<{ items: RuleBody[]; total: number }>(api, 'GET', '/v1/compliance/control-rules?control=PCI:10.2.1.1', { headers: officer });
      expect(list.body.items.map((r) => r.id)).toEqual([rule.id]);
      expect((await http<{ data: RuleBody }>(api, 'GET', `/v1/compliance/control-rules/${rule.id}`, { headers: officer })).body.data.name).toBe(
        'Authentication events',
      );
      expect(await world.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'control_rule.create', resourceId: rule.id } })).toBe(1);
    });

    it('should give a manually created alert the controls of every matching rule plus its own, sorted once each', async () => {
      await createRule({ name: 'Prod gateways', controls: ['ISO27001:A.8.16'], match: { source: 'GATEWAY', labels: { env: 'prod' } } });
      const matching = await createAlert({ type: 'brute_force', labels: { env: 'prod' }, controls: ['PCI:10.6.1', 'ISO27001:A.8.15'] });
      expect(matching.controls).toEqual(['ISO27001:A.8.15', 'ISO27001:A.8.16', 'PCI:10.2.1.1', 'PCI:10.6.1']);
      const partial = await createAlert({ type: 'brute_force', labels: { env: 'staging' } });
      expect(partial.controls).toEqual(['ISO27001:A.8.15', 'PCI:10.2.1.1']);
      const none = await createAlert({ type: 'malware' });
      expect(none.controls).toEqual([]);
      const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { resourceId: matching.id, action: 'alert.create' } });
      expect(audit.details).toEqual(expect.objectContaining({ controls: matching.controls }));
    });

    it('should apply the rules to every item of a batch', async () => {
      const result = await http<{ data: { created: AlertBody[] } }>(api, 'POST', '/v1/alerts/batch', {
        body: {
          alerts: [
            { type: 'brute_force', source: 's', title: 'a', severity: 'low' },
            { type: 'dlp', source: 's', title: 'b', severity: 'low' },
          ],
        },
        headers: analyst,
      });
      expect(result.body.data.created.map((a) => a.controls)).toEqual([['ISO27001:A.8.15', 'PCI:10.2.1.1'], []]);
    });

    it('should evaluate the rules on Alertmanager ingestion and see a changed rule at once', async () => {
      const ingest = (await world.apiKey(tenant, ['alerts:ingest'])).headers;
      const rule = await createRule({ name: 'VPN probes', controls: ['ISO27001:A.8.20'], match: { labels: { alertname: 'Probe' } } });
      expect(
        (await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook([amAlert('fp-controls-1', { type: 'brute_force' })]), headers: ingest })).status,
      ).toBe(200);
      const first = await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: 'fp-controls-1' } });
      expect(first.controls).toEqual(['ISO27001:A.8.15', 'ISO27001:A.8.20', 'PCI:10.2.1.1']);
      // The policy is cached per tenant; a change through the API invalidates it before it answers.
      const changed = await http<{ data: RuleBody }>(api, 'PATCH', `/v1/compliance/control-rules/${rule.id}`, {
        body: { controls: ['ISO27001:A.8.21'] },
        headers: officer,
      });
      expect(changed.body.data).toEqual(expect.objectContaining({ controls: ['ISO27001:A.8.21'], version: 2 }));
      await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook([amAlert('fp-controls-2', {})]), headers: ingest });
      expect((await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: 'fp-controls-2' } })).controls).toEqual([
        'ISO27001:A.8.21',
      ]);
      expect((await http(api, 'PATCH', `/v1/compliance/control-rules/${rule.id}`, { body: { enabled: false }, headers: officer })).status).toBe(200);
      await http(api, 'POST', '/v1/ingest/alertmanager', { body: webhook([amAlert('fp-controls-3', {})]), headers: ingest });
      expect((await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id, fingerprint: 'fp-controls-3' } })).controls).toEqual([]);
    });

    it('should delete a rule, keep the controls it gave, and record the deletion', async () => {
      const rule = await createRule({ name: 'Short lived', controls: ['PCI:11.4'], match: { types: ['scan'] } });
      const alert = await createAlert({ type: 'scan' });
      expect((await http(api, 'DELETE', `/v1/compliance/control-rules/${rule.id}`, { headers: officer })).status).toBe(204);
      expect((await http(api, 'GET', `/v1/compliance/control-rules/${rule.id}`, { headers: officer })).status).toBe(404);
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).controls).toEqual(['PCI:11.4']);
      expect((await createAlert({ type: 'scan' })).controls).toEqual([]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: rule.id, action: 'control_rule.delete' } })).toBe(1);
    });

    it('should re-apply the rules to existing alerts, adding controls with a timeline entry and an audit event each', async () => {
      const old = alertRow(tenant.id, { type: 'privilege_escalation', controls: ['PCI:7.2'] });
      const unrelated = alertRow(tenant.id, { type: 'unrelated-type' });
      await world.prisma.alert.createMany({ data: [old, unrelated] });
      await createRule({ name: 'Privilege', controls: ['ISO27001:A.8.2'], match: { types: ['privilege_escalation'] } });
      const applied = await http<{ data: { matched: number; updated: number } }>(api, 'POST', '/v1/compliance/control-rules/apply', {
        body: { filter: { type: ['privilege_escalation', 'unrelated-type'] } },
        headers: officer,
      });
      expect(applied.status).toBe(200);
      expect(applied.body.data).toEqual({ matched: 2, updated: 1 });
      const after = await world.prisma.alert.findUniqueOrThrow({ where: { id: old.id as string } });
      expect(after).toEqual(expect.objectContaining({ controls: ['ISO27001:A.8.2', 'PCI:7.2'], version: 2 }));
      const timeline = await world.prisma.alertTimelineEntry.findMany({ where: { alertId: old.id as string } });
      expect(timeline.map((e) => [e.action, e.actor, e.details])).toEqual([
        ['controls_updated', 'officer', { from: ['PCI:7.2'], to: ['ISO27001:A.8.2', 'PCI:7.2'], via: 'control_rules' }],
      ]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: old.id as string, action: 'alert.controls' } })).toBe(1);
      const again = await http<{ data: { updated: number } }>(api, 'POST', '/v1/compliance/control-rules/apply', {
        body: { filter: { type: ['privilege_escalation'] } },
        headers: officer,
      });
      expect(again.body.data.updated).toBe(0);
    });
  });

  describe('per alert', () => {
    it('should replace (PUT) and edit (PATCH) an alert’s controls, each with If-Match, a timeline entry and an audit event', async () => {
      const alert = await createAlert({ type: 'exfiltration' });
      const put = await http<{ data: AlertBody }>(api, 'PUT', `/v1/alerts/${alert.id}/controls`, {
        body: { controls: ['PCI:10.2.1', 'ISO27001:A.5.25', 'PCI:10.2.1'], note: 'mapped by the SOC lead' },
        headers: { ...analyst, 'if-match': '"1"' },
      });
      expect(put.status).toBe(200);
      expect(put.body.data).toEqual(expect.objectContaining({ controls: ['ISO27001:A.5.25', 'PCI:10.2.1'], version: 2 }));
      expect(put.headers.get('etag')).toBe('"2"');
      const stale = await http(api, 'PATCH', `/v1/alerts/${alert.id}/controls`, { body: { add: ['PCI:12.10.1'] }, headers: { ...analyst, 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      const patched = await http<{ data: AlertBody }>(api, 'PATCH', `/v1/alerts/${alert.id}/controls`, {
        body: { add: ['PCI:12.10.1'], remove: ['PCI:10.2.1'] },
        headers: analyst,
      });
      expect(patched.body.data.controls).toEqual(['ISO27001:A.5.25', 'PCI:12.10.1']);
      const timeline = await http<{ data: { action: string; note: string | null; details: { from: string[]; to: string[] } }[] }>(
        api,
        'GET',
        `/v1/alerts/${alert.id}/timeline`,
        { headers: analyst },
      );
      expect(timeline.body.data.filter((e) => e.action === 'controls_updated').map((e) => [e.note, e.details.to])).toEqual([
        ['mapped by the SOC lead', ['ISO27001:A.5.25', 'PCI:10.2.1']],
        [null, ['ISO27001:A.5.25', 'PCI:12.10.1']],
      ]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: alert.id, action: 'alert.controls' } })).toBe(2);
    });

    it('should keep a threat case’s controls the union of its alerts’ through links, unlinks and edits, and filter cases by control', async () => {
      const a = await createAlert({ type: 'brute_force' });
      const b = await createAlert({ type: 'insider', controls: ['ISO27001:A.5.26'] });
      const created = await http<{ data: CaseBody }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: [a.id] }, headers: analyst });
      expect(created.body.data.controls).toEqual(['ISO27001:A.8.15', 'PCI:10.2.1.1']);
      const linked = await http<{ data: CaseBody }>(api, 'POST', `/v1/threat-cases/${created.body.data.id}/alerts`, {
        body: { alert_ids: [b.id] },
        headers: analyst,
      });
      expect(linked.body.data.controls).toEqual(['ISO27001:A.5.26', 'ISO27001:A.8.15', 'PCI:10.2.1.1']);
      await http(api, 'PATCH', `/v1/alerts/${b.id}/controls`, { body: { add: ['PCI:12.10.1'] }, headers: analyst });
      const read = await http<{ data: CaseBody }>(api, 'GET', `/v1/threat-cases/${created.body.data.id}`, { headers: analyst });
      expect(read.body.data.controls).toEqual(['ISO27001:A.5.26', 'ISO27001:A.8.15', 'PCI:10.2.1.1', 'PCI:12.10.1']);
      const unlinked = await http<{ data: CaseBody }>(api, 'DELETE', `/v1/threat-cases/${created.body.data.id}/alerts`, {
        body: { alert_ids: [a.id] },
        headers: analyst,
      });
      expect(unlinked.body.data.controls).toEqual(['ISO27001:A.5.26', 'PCI:12.10.1']);
      const filtered = await http<{ items: CaseBody[] }>(api, 'GET', '/v1/threat-cases?control=PCI:12.10.1', { headers: analyst });
      expect(filtered.body.items.map((c) => c.id)).toEqual([created.body.data.id]);
      expect(
        (await http<{ items: CaseBody[] }>(api, 'GET', '/v1/threat-cases?control=ISO27001:A.8.15', { headers: analyst })).body.items.map((c) => c.id),
      ).not.toContain(created.body.data.id);
    });
  });

  it('should answer an alert’s first 1,000 controls with their count, and filter and export by one past them', async () => {
    const controls = Array.from({ length: 1_001 }, (_, i) => `PCI:${Math.floor(i / 100) + 1}.${i % 100}`).sort();
    const row = alertRow(tenant.id, { controls });
    await world.prisma.alert.create({ data: row });
    const read = (await http<{ data: AlertBody & { controls_count: number } }>(api, 'GET', `/v1/alerts/${row.id as string}`, { headers: analyst })).body.data;
    expect(read.controls).toEqual(controls.slice(0, 1_000));
    expect(read.controls_count).toBe(1_001);
    const listed = await http<{ items: (AlertBody & { controls_count: number })[] }>(api, 'GET', `/v1/alerts?control=${controls[1_000]}`, { headers: analyst });
    expect(listed.body.items.map((a) => [a.id, a.controls.length, a.controls_count])).toEqual([[row.id, 1_000, 1_001]]);
  });

  describe('the control filter', () => {
    let pci: string[];

    beforeAll(async () => {
      const rows = [
        alertRow(tenant.id, { type: 'filter-test', severity: 'high', controls: ['PCI:10.7.2'] }),
        alertRow(tenant.id, { type: 'filter-test', severity: 'low', controls: ['ISO27001:A.8.34', 'PCI:10.7.2'] }),
        alertRow(tenant.id, { type: 'filter-test', severity: 'low', controls: ['ISO27001:A.8.34'] }),
        alertRow(tenant.id, { type: 'filter-test', severity: 'low' }),
        alertRow(other.id, { type: 'filter-test', severity: 'critical', controls: ['PCI:10.7.2'] }),
      ];
      await world.prisma.alert.createMany({ data: rows });
      pci = [rows[0].id as string, rows[1].id as string];
    });

    it('should list the alerts evidencing any of the controls, in both multi-value forms, within the tenant', async () => {
      const one = await http<{ items: AlertBody[]; total: number }>(api, 'GET', '/v1/alerts?type=filter-test&control=PCI:10.7.2&sort_direction=asc', {
        headers: analyst,
      });
      expect(one.body.items.map((a) => a.id)).toEqual(pci);
      const either = await http<{ total: number }>(api, 'GET', '/v1/alerts?type=filter-test&control=PCI:10.7.2&control=ISO27001:A.8.34', { headers: analyst });
      const comma = await http<{ total: number }>(api, 'GET', '/v1/alerts?type=filter-test&control=PCI:10.7.2,ISO27001:A.8.34', { headers: analyst });
      expect([either.body.total, comma.body.total]).toEqual([3, 3]);
    });

    it('should count by severity over the alerts of a control', async () => {
      const stats = await http<{ data: { total: number; groups: { key: string; count: number }[] } }>(
        api,
        'GET',
        '/v1/alerts/stats/severity?type=filter-test&control=PCI:10.7.2',
        { headers: analyst },
      );
      expect(stats.body.data.total).toBe(2);
      expect(stats.body.data.groups.filter((g) => g.count > 0)).toEqual([
        { key: 'high', count: 1 },
        { key: 'low', count: 1 },
      ]);
    });

    it('should export exactly the alerts of a control, with their controls in the file', async () => {
      const started = await http<{ data: { job_id: string; total_records: number } }>(api, 'POST', '/v1/exports', {
        body: { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['filter-test'], control: ['PCI:10.7.2'] } },
        headers: analyst,
      });
      expect(started.status).toBe(202);
      expect(started.body.data.total_records).toBe(2);
      await waitForExport(api, started.body.data.job_id, analyst);
      const [header, ...rows] = parseCsv((await downloadExport(api, started.body.data.job_id, analyst)).bytes.toString('utf8').slice(1));
      expect(rows.map((r) => r[header.indexOf('id')]).sort()).toEqual([...pci].sort());
      expect(rows.map((r) => JSON.parse(r[header.indexOf('controls')]) as string[]).sort()).toEqual([['ISO27001:A.8.34', 'PCI:10.7.2'], ['PCI:10.7.2']]);
    });
  });

  describe('tenancy and authorisation', () => {
    it('should keep each tenant’s rules to itself: another tenant’s rule is 404 to read, change and delete', async () => {
      const rule = await createRule({ name: 'Theirs', controls: ['PCI:1.2'], match: { types: ['x'] } }, otherOfficer);
      for (const [method, body] of [
        ['GET', undefined],
        ['PATCH', { enabled: false }],
        ['DELETE', undefined],
      ] as const) {
        const result = await http(api, method, `/v1/compliance/control-rules/${rule.id}`, { body, headers: officer });
        expect({ method, status: result.status }).toEqual({ method, status: 404 });
      }
      const mine = await http<{ items: RuleBody[] }>(api, 'GET', '/v1/compliance/control-rules?page_size=200', { headers: officer });
      expect(mine.body.items.every((r) => r.tenant_id === tenant.id)).toBe(true);
      expect((await world.prisma.controlRule.findUniqueOrThrow({ where: { id: rule.id } })).enabled).toBe(true);
      // Another tenant's rules never touch this tenant's alerts.
      expect((await createAlert({ type: 'x' })).controls).toEqual([]);
    });

    it('should need compliance:read to read rules, compliance:write to change them, and alerts:write too to re-apply them', async () => {
      const reader = world.bearer(tenant, ['compliance:read']);
      expect((await http(api, 'GET', '/v1/compliance/control-rules', { headers: world.bearer(tenant, ['alerts:read']) })).status).toBe(403);
      expect((await http(api, 'GET', '/v1/compliance/control-rules', { headers: reader })).status).toBe(200);
      const refused = await http<Problem & { i18n_args: { scope: string } }>(api, 'POST', '/v1/compliance/control-rules', { body: AUTH_RULE, headers: reader });
      expect(refused.status).toBe(403);
      expect(refused.body.i18n_args.scope).toBe('compliance:write');
      const apply = await http<{ i18n_args: { scope: string } }>(api, 'POST', '/v1/compliance/control-rules/apply', {
        body: {},
        headers: world.bearer(tenant, ['compliance:write']),
      });
      expect(apply.status).toBe(403);
      expect(apply.body.i18n_args.scope).toBe('alerts:write');
      const edit = await http(api, 'PUT', `/v1/alerts/${(await createAlert({ type: 'y' })).id}/controls`, {
        body: { controls: [] },
        headers: world.bearer(tenant, ['alerts:read']),
      });
      expect(edit.status).toBe(403);
    });
  });

  describe('bad input', () => {
    const badRules: [string, object, string, string][] = [
      ['a malformed ISO control', { ...AUTH_RULE, controls: ['ISO27001:8.15'] }, 'controls', 'format'],
      ['a malformed PCI control', { ...AUTH_RULE, controls: ['PCI-10.2'] }, 'controls', 'format'],
      ['no controls', { ...AUTH_RULE, controls: [] }, 'controls', 'length'],
      ['a match with no condition', { ...AUTH_RULE, match: {} }, 'match', 'required'],
      ['a label that is not a string', { ...AUTH_RULE, match: { labels: { env: 1 } } }, 'match.labels.env', 'type'],
      ['an unknown field', { ...AUTH_RULE, priority: 1 }, 'priority', 'unknown'],
    ];
    it.each(badRules)('should answer 400 for a rule with %s and store nothing', async (_name, body, field, code) => {
      const before = await world.prisma.controlRule.count({ where: { tenantId: tenant.id } });
      const result = await http<Problem>(api, 'POST', '/v1/compliance/control-rules', { body, headers: officer });
      expect(result.status).toBe(400);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/validation-error', code: 10000001 }));
      expect(result.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}`)), code })]),
      );
      expect(await world.prisma.controlRule.count({ where: { tenantId: tenant.id } })).toBe(before);
    });

    it('should refuse a malformed control in a filter, an alert edit and an alert create with 400', async () => {
      const list = await http<Problem>(api, 'GET', '/v1/alerts?control=ISO-27001', { headers: analyst });
      expect(list.status).toBe(400);
      expect(list.body.errors).toEqual([expect.objectContaining({ field: 'control', pointer: '/query/control', code: 'format' })]);
      const alert = await createAlert({ type: 'z' });
      const edit = await http<Problem>(api, 'PUT', `/v1/alerts/${alert.id}/controls`, { body: { controls: ['A.8.15'] }, headers: analyst });
      expect(edit.status).toBe(400);
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).version).toBe(1);
      expect((await http(api, 'PATCH', `/v1/alerts/${alert.id}/controls`, { body: {}, headers: analyst })).status).toBe(400);
      const create = await http<Problem>(api, 'POST', '/v1/alerts', {
        body: { type: 'z', source: 's', title: 't', severity: 'low', controls: ['PCI:'] },
        headers: analyst,
      });
      expect(create.status).toBe(400);
      expect((await http<Problem>(api, 'GET', '/v1/threat-cases?control=nope', { headers: analyst })).status).toBe(400);
    });
  });
});
