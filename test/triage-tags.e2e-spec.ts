import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, parseCsv, pdfText, startExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

interface AlertBody {
  id: string;
  tags: string[];
  version: number;
}
interface CaseEvent {
  type: string;
  message: string | null;
  user_id: string;
}
interface CaseBody {
  id: string;
  assignee: string | null;
  severity: string;
  tags: string[];
  version: number;
  timeline: CaseEvent[];
}
type Problem = { type: string; errors?: { field: string; pointer: string; code: string; description: string }[] };
type TimelineEntry = { action: string; note: string | null; details: { from: string[]; to: string[]; added: string[]; removed: string[] } };

/**
 * Issue 18, items 6 and 9 (first part): tags on alerts and threat cases (on create, PUT to replace, PATCH to
 * add and remove, with If-Match), filters by any tag and by all tags, and threat cases' assignee, severity
 * and tags (create, PATCH, filters, sort, the seed 003 query), each change in the timeline and the audit
 * trail, in the exports, and bad input refused with a problem.
 */
describe('tags and case triage', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let analyst: Record<string, string>;
  let stranger: Record<string, string>;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Tags'), world.tenant('Tags elsewhere')]);
    const scopes = ['alerts:read', 'alerts:write', 'cases:read', 'cases:write', 'exports:read', 'exports:write'] as const;
    analyst = world.bearer(tenant, [...scopes], 'analyst-1');
    stranger = world.bearer(other, [...scopes], 'stranger');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function createAlert(body: Record<string, unknown> = {}, headers = analyst): Promise<AlertBody> {
    const result = await http<{ data: AlertBody }>(api, 'POST', '/v1/alerts', {
      body: { type: 'phish', source: 'mail-gw', title: 'Suspicious mail', severity: 'medium', ...body },
      headers,
    });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  async function alertIds(count: number, severity: 'info' | 'low' | 'medium' | 'high' | 'critical' = 'low'): Promise<string[]> {
    const rows = Array.from({ length: count }, () => alertRow(tenant.id, { severity }));
    await world.prisma.alert.createMany({ data: rows });
    return rows.map((row) => row.id as string);
  }

  async function openCase(body: Record<string, unknown> = {}): Promise<CaseBody> {
    const result = await http<{ data: CaseBody }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: await alertIds(1), ...body }, headers: analyst });
    expect(result.status).toBe(201);
    return result.body.data;
  }

  const listIds = async (path: string, headers = analyst): Promise<string[]> => {
    const result = await http<{ items: { id: string }[] }>(api, 'GET', path, { headers });
    expect(result.status).toBe(200);
    return result.body.items.map((item) => item.id);
  };

  describe('alert tags', () => {
    it('should take tags on create, lower-cased and once each, and answer them in the detail and the list', async () => {
      const alert = await createAlert({ tags: ['VIP', 'phishing', 'vip', 'team:soc'] });
      expect(alert.tags).toEqual(['phishing', 'team:soc', 'vip']);
      const read = await http<{ data: AlertBody }>(api, 'GET', `/v1/alerts/${alert.id}`, { headers: analyst });
      expect(read.body.data.tags).toEqual(['phishing', 'team:soc', 'vip']);
      const list = await http<{ items: AlertBody[] }>(api, 'GET', `/v1/alerts?tag=vip&type=phish`, { headers: analyst });
      expect(list.body.items.find((item) => item.id === alert.id)?.tags).toEqual(['phishing', 'team:soc', 'vip']);
      expect((await createAlert()).tags).toEqual([]);
    });

    it('should take tags in a batch, refusing an item with a bad tag by its index', async () => {
      const item = { type: 'batch-tags', source: 's', title: 't', severity: 'low' };
      const result = await http<{
        data: { created: AlertBody[]; created_indexes: number[]; errors: { index: number; errors: { field: string; code: string }[] }[] };
      }>(api, 'POST', '/v1/alerts/batch', {
        body: {
          alerts: [
            { ...item, tags: ['Batch', 'one'] },
            { ...item, tags: ['not ok'] },
          ],
        },
        headers: analyst,
      });
      expect(result.status).toBe(200);
      expect(result.body.data.created.map((alert) => alert.tags)).toEqual([['batch', 'one']]);
      expect(result.body.data.errors).toEqual([{ index: 1, errors: [expect.objectContaining({ field: 'alerts[1].tags', code: 'format' })] }]);
    });

    it('should replace (PUT) and edit (PATCH) tags with If-Match, each with a timeline entry and an audit event', async () => {
      const alert = await createAlert({ tags: ['phishing'] });
      const put = await http<{ data: AlertBody }>(api, 'PUT', `/v1/alerts/${alert.id}/tags`, {
        body: { tags: ['Triage', 'phishing'], note: 'first look' },
        headers: { ...analyst, 'if-match': '"1"' },
      });
      expect(put.status).toBe(200);
      expect(put.body.data).toEqual(expect.objectContaining({ tags: ['phishing', 'triage'], version: 2 }));
      expect(put.headers.get('etag')).toBe('"2"');
      const stale = await http<Problem>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, { body: { add: ['x'] }, headers: { ...analyst, 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('etag')).toBe('"2"');
      const patched = await http<{ data: AlertBody }>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, {
        body: { add: ['false-positive', 'triage'], remove: ['phishing', 'TRIAGE', 'never-held'] },
        headers: { ...analyst, 'if-match': '"2"' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toEqual(expect.objectContaining({ tags: ['false-positive'], version: 3 }));
      const timeline = await http<{ data: TimelineEntry[] }>(api, 'GET', `/v1/alerts/${alert.id}/timeline`, { headers: analyst });
      expect(timeline.body.data.filter((e) => e.action === 'tags_updated').map((e) => [e.note, e.details.added, e.details.removed, e.details.to])).toEqual([
        ['first look', ['triage'], [], ['phishing', 'triage']],
        [null, ['false-positive'], ['phishing', 'triage'], ['false-positive']],
      ]);
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: alert.id, action: 'alert.tags' }, orderBy: { seq: 'asc' } });
      expect(audit.map((event) => (event.details as { to: string[] }).to)).toEqual([['phishing', 'triage'], ['false-positive']]);
    });

    it('should filter by any tag (tag, repeated or comma-separated) and by all tags (tags_all), in any case', async () => {
      const type = `tagged-${Date.now()}`;
      const a = await createAlert({ type, tags: ['red'] });
      const b = await createAlert({ type, tags: ['red', 'blue'] });
      const c = await createAlert({ type, tags: ['blue', 'green'] });
      await createAlert({ type });
      const ids = async (query: string) => (await listIds(`/v1/alerts?type=${type}&${query}`)).sort();
      expect(await ids('tag=red&tag=GREEN')).toEqual([a.id, b.id, c.id].sort());
      expect(await ids('tag=blue')).toEqual([b.id, c.id].sort());
      expect(await ids('tags_all=red,blue')).toEqual([b.id]);
      expect(await ids('tags_all=Blue&tag=green,red')).toEqual([b.id, c.id].sort());
      expect(await ids('tags_all=red,blue,green')).toEqual([]);
      expect(await listIds(`/v1/alerts?type=${type}&tag=red`, stranger)).toEqual([]);
    });

    it('should take the tag filters in bulk actions and exports, with the tags in every export format', async () => {
      const type = `bulk-tags-${Date.now()}`;
      const tagged = await Promise.all([createAlert({ type, tags: ['noise'] }), createAlert({ type, tags: ['noise', 'scanner'] })]);
      await createAlert({ type, tags: ['scanner'] });
      const dry = await http<{ data: { matched: number } }>(api, 'POST', '/v1/alerts/bulk/dismiss', {
        body: { filter: { type: [type], tag: ['noise'] }, dry_run: true },
        headers: analyst,
      });
      expect(dry.body.data.matched).toBe(2);
      const all = await http<{ data: { matched: number; updated: number } }>(api, 'POST', '/v1/alerts/bulk/acknowledge', {
        body: { filter: { tags_all: ['noise', 'scanner'], type: [type] } },
        headers: analyst,
      });
      expect(all.body.data).toEqual(expect.objectContaining({ matched: 1, updated: 1 }));
      const id = await startExport(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: [type], tag: ['noise'] } }, analyst);
      expect((await waitForExport(api, id, analyst)).status).toBe('completed');
      const [header, ...rows] = parseCsv((await downloadExport(api, id, analyst)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
      const exported = rows.filter((row) => row.length > 1).map((row) => [row[header.indexOf('id')], JSON.parse(row[header.indexOf('tags')]) as string[]]);
      expect(exported.sort()).toEqual(tagged.map((alert) => [alert.id, alert.tags]).sort());
      const ndjson = await startExport(api, { resource: 'alerts', format: 'ndjson', scope: 'selected', ids: [tagged[1].id] }, analyst);
      expect((await waitForExport(api, ndjson, analyst)).status).toBe('completed');
      const lines = (await downloadExport(api, ndjson, analyst)).bytes.toString('utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line) as { id: string; tags?: string[] }).find((line) => line.id === tagged[1].id)?.tags).toEqual([
        'noise',
        'scanner',
      ]);
    });

    it.each([
      ['a space', { tags: ['two words'] }, 'tags', 'format'],
      ['a comma', { tags: ['a,b'] }, 'tags', 'format'],
      ['65 characters', { tags: ['x'.repeat(65)] }, 'tags', 'format'],
      ['a leading dash', { tags: ['-x'] }, 'tags', 'format'],
      ['not an array', { tags: 'phishing' }, 'tags', 'type'],
      ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags', 'length'],
    ])('should refuse a create with %s in tags (400) and store nothing', async (_what, body, field, code) => {
      const before = await world.prisma.alert.count({ where: { tenantId: tenant.id } });
      const result = await http<Problem>(api, 'POST', '/v1/alerts', {
        body: { type: 'x', source: 's', title: 't', severity: 'low', ...body },
        headers: analyst,
      });
      expect(result.status).toBe(400);
      expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(result.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
      expect(await world.prisma.alert.count({ where: { tenantId: tenant.id } })).toBe(before);
    });

    it('should refuse a NUL in a tag, a tag filter that is not a tag, and a PATCH that names nothing or passes 50 tags, changing nothing', async () => {
      const alert = await createAlert({ tags: Array.from({ length: 49 }, (_, i) => `t${i}`) });
      const nul = await http<Problem>(api, 'PUT', `/v1/alerts/${alert.id}/tags`, {
        rawBody: '{"tags":["a\\u0000b"]}',
        headers: { ...analyst, 'content-type': 'application/json' },
      });
      expect(nul.status).toBe(400);
      expect(nul.body.type).toBe('/problems/validation-error');
      const filter = await http<Problem>(api, 'GET', '/v1/alerts?tags_all=two%20words', { headers: analyst });
      expect(filter.status).toBe(400);
      expect(filter.body.errors).toEqual([expect.objectContaining({ pointer: '/query/tags_all', code: 'format' })]);
      const empty = await http<Problem>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, { body: {}, headers: analyst });
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'add', code: 'required' })]);
      const over = await http<Problem>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, { body: { add: ['extra-1', 'extra-2'] }, headers: analyst });
      expect(over.status).toBe(400);
      expect(over.body.errors).toEqual([expect.objectContaining({ pointer: '/body/add', code: 'range' })]);
      const fits = await http<{ data: AlertBody }>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, {
        body: { add: ['extra-1', 'extra-2'], remove: ['t0'] },
        headers: analyst,
      });
      expect(fits.status).toBe(200);
      expect(fits.body.data.tags).toHaveLength(50);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: alert.id, action: 'alert.tags' } })).toBe(1);
    });

    it('should translate a tag violation with its limit', async () => {
      const alert = await createAlert();
      const result = await http<Problem>(api, 'PUT', `/v1/alerts/${alert.id}/tags`, {
        body: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
        headers: { ...analyst, 'accept-language': 'id' },
      });
      expect(result.status).toBe(400);
      expect(result.body.errors?.[0].description).toContain('50');
      expect(result.body.errors?.[0].description).not.toMatch(/must|may hold/);
    });

    it('should answer 404 for another tenant’s alert and change nothing', async () => {
      const alert = await createAlert({ tags: ['mine'] });
      const result = await http<Problem>(api, 'PATCH', `/v1/alerts/${alert.id}/tags`, { body: { add: ['theirs'] }, headers: stranger });
      expect(result.status).toBe(404);
      expect((await world.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).tags).toEqual(['mine']);
    });
  });

  describe('threat case triage', () => {
    it('should take assignee, severity and tags on create, the severity by default the highest of the alerts', async () => {
      const given = await openCase({ assignee: 'analyst-2', severity: 'critical', tags: ['Ransomware', 'vip'] });
      expect(given).toEqual(expect.objectContaining({ assignee: 'analyst-2', severity: 'critical', tags: ['ransomware', 'vip'] }));
      const derived = await openCase({ alert_ids: [...(await alertIds(1, 'low')), ...(await alertIds(1, 'high')), ...(await alertIds(1, 'medium'))] });
      expect(derived).toEqual(expect.objectContaining({ assignee: null, severity: 'high', tags: [] }));
      const audit = await world.prisma.auditEvent.findFirstOrThrow({ where: { resourceId: given.id, action: 'threat_case.create' } });
      expect(audit.details).toEqual(expect.objectContaining({ assignee: 'analyst-2', severity: 'critical', tags: ['ransomware', 'vip'] }));
    });

    it('should set the assignee and severity with PATCH (If-Match, ETag), each change a timeline event and one audit event', async () => {
      const tc = await openCase({ severity: 'low' });
      const read = await http<{ data: CaseBody }>(api, 'GET', `/v1/threat-cases/${tc.id}`, { headers: analyst });
      expect(read.headers.get('etag')).toBe(`"${tc.version}"`);
      const changed = await http<{ data: CaseBody }>(api, 'PATCH', `/v1/threat-cases/${tc.id}`, {
        body: { assignee: 'analyst-2', severity: 'high', note: 'taking it' },
        headers: { ...analyst, 'if-match': `"${tc.version}"` },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.data).toEqual(expect.objectContaining({ assignee: 'analyst-2', severity: 'high', version: tc.version + 1 }));
      expect(changed.headers.get('etag')).toBe(`"${tc.version + 1}"`);
      expect(changed.body.data.timeline.slice(-3).map((e) => [e.type, e.message, e.user_id])).toEqual([
        ['ASSIGNED', 'Assigned to analyst-2', 'analyst-1'],
        ['SEVERITY_CHANGED', 'Severity low → high', 'analyst-1'],
        ['NOTE', 'taking it', 'analyst-1'],
      ]);
      const stale = await http<Problem>(api, 'PATCH', `/v1/threat-cases/${tc.id}`, {
        body: { severity: 'info' },
        headers: { ...analyst, 'if-match': `"${tc.version}"` },
      });
      expect(stale.status).toBe(412);
      const unassigned = await http<{ data: CaseBody }>(api, 'PATCH', `/v1/threat-cases/${tc.id}`, { body: { assignee: null }, headers: analyst });
      expect(unassigned.body.data.assignee).toBeNull();
      expect(unassigned.body.data.timeline.at(-1)).toEqual(expect.objectContaining({ type: 'ASSIGNED', message: 'Unassigned (was analyst-2)' }));
      const same = await http<{ data: CaseBody }>(api, 'PATCH', `/v1/threat-cases/${tc.id}`, { body: { severity: 'high', assignee: null }, headers: analyst });
      expect(same.body.data.version).toBe(unassigned.body.data.version);
      const audit = await world.prisma.auditEvent.findMany({ where: { resourceId: tc.id, action: 'threat_case.update' }, orderBy: { seq: 'asc' } });
      expect(audit.map((event) => event.details)).toEqual([
        { assignee: { from: null, to: 'analyst-2' }, severity: { from: 'low', to: 'high' }, note: 'taking it' },
        { assignee: { from: 'analyst-2', to: null }, note: null },
      ]);
    });

    it.each([
      ['nothing', {}, 'assignee', 'required'],
      ['a null severity', { severity: null }, 'severity', 'required'],
      ['an unknown severity', { severity: 'warning' }, 'severity', 'enum'],
      ['a long assignee', { assignee: 'a'.repeat(201) }, 'assignee', 'length'],
      ['an unknown field', { status: 'CLOSED' }, 'status', 'unknown'],
    ])('should refuse a PATCH with %s (400)', async (_what, body, field, code) => {
      const tc = await openCase();
      const result = await http<Problem>(api, 'PATCH', `/v1/threat-cases/${tc.id}`, { body, headers: analyst });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    });

    it('should replace and edit a case’s tags, each a TAGS_CHANGED event and an audit event; another tenant gets 404', async () => {
      const tc = await openCase({ tags: ['phishing'] });
      const put = await http<{ data: CaseBody }>(api, 'PUT', `/v1/threat-cases/${tc.id}/tags`, { body: { tags: ['phishing', 'VIP'] }, headers: analyst });
      expect(put.body.data.tags).toEqual(['phishing', 'vip']);
      expect(put.body.data.timeline.at(-1)).toEqual(expect.objectContaining({ type: 'TAGS_CHANGED', message: 'Tags added: vip' }));
      const patched = await http<{ data: CaseBody }>(api, 'PATCH', `/v1/threat-cases/${tc.id}/tags`, {
        body: { add: ['contained'], remove: ['phishing'], note: 'host isolated' },
        headers: { ...analyst, 'if-match': `"${put.body.data.version}"` },
      });
      expect(patched.body.data.tags).toEqual(['contained', 'vip']);
      expect(patched.body.data.timeline.slice(-2).map((e) => [e.type, e.message])).toEqual([
        ['TAGS_CHANGED', 'Tags added: contained; removed: phishing'],
        ['NOTE', 'host isolated'],
      ]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.tags' } })).toBe(2);
      const foreign = await http<Problem>(api, 'PUT', `/v1/threat-cases/${tc.id}/tags`, { body: { tags: [] }, headers: stranger });
      expect(foreign.status).toBe(404);
      const over = await http<Problem>(api, 'PATCH', `/v1/threat-cases/${tc.id}/tags`, {
        body: { add: Array.from({ length: 49 }, (_, i) => `n${i}`) },
        headers: analyst,
      });
      expect(over.status).toBe(400);
      expect(over.body.errors).toEqual([expect.objectContaining({ pointer: '/body/add', code: 'range' })]);
    });

    it('should filter and sort the list, and the seed 003 query, by assignee, severity and tags', async () => {
      const theme = `T${Date.now()}`;
      const mk = (body: Record<string, unknown>) => openCase({ prompt_theme: theme, ...body });
      const a = await mk({ assignee: 'ana', severity: 'critical', tags: ['red'] });
      const b = await mk({ assignee: 'ben', severity: 'low', tags: ['red', 'blue'] });
      const c = await mk({ severity: 'high', tags: ['blue'] });
      const since = new Date(
        Date.parse((await http<{ data: { created_at: string } }>(api, 'GET', `/v1/threat-cases/${a.id}`, { headers: analyst })).body.data.created_at),
      );
      const base = `/v1/threat-cases?created_from=${since.toISOString()}`;
      const ids = async (query: string) => (await listIds(`${base}&${query}`)).sort();
      expect(await ids('assignee=ana,ben')).toEqual([a.id, b.id].sort());
      expect(await ids('severity=HIGH&severity=critical')).toEqual([a.id, c.id].sort());
      expect(await ids('tag=blue')).toEqual([b.id, c.id].sort());
      expect(await ids('tags_all=red,blue')).toEqual([b.id]);
      expect(await listIds(`${base}&sort_by=severity&sort_direction=desc`)).toEqual([a.id, c.id, b.id]);
      const page1 = await http<{ items: { id: string }[]; pagination: { next_cursor: string } }>(
        api,
        'GET',
        `${base}&sort_by=severity&sort_direction=asc&pagination=cursor&page_size=2`,
        {
          headers: analyst,
        },
      );
      expect(page1.body.items.map((item) => item.id)).toEqual([b.id, c.id]);
      const page2 = await http<{ items: { id: string }[] }>(
        api,
        'GET',
        `${base}&sort_by=severity&sort_direction=asc&pagination=cursor&page_size=2&cursor=${page1.body.pagination.next_cursor}`,
        {
          headers: analyst,
        },
      );
      expect(page2.body.items.map((item) => item.id)).toEqual([a.id]);
      const query = async (body: Record<string, unknown>) =>
        (
          await http<{ data: { threatCases: { uuid: string }[] } }>(api, 'POST', '/v1/threat-cases/query', {
            body: { afterTimestampMs: since.getTime(), ...body },
            headers: analyst,
          })
        ).body.data.threatCases
          .map((tc) => tc.uuid)
          .sort();
      expect(await query({ assigneeFilter: ['ben', null] })).toEqual([b.id]);
      expect(await query({ severityFilter: ['Low', 'high'] })).toEqual([b.id, c.id].sort());
      expect(await query({ tagFilter: ['RED'] })).toEqual([a.id, b.id].sort());
      expect(await query({ tagsAllFilter: ['red', 'blue'] })).toEqual([b.id]);
      const bad = await http<Problem>(api, 'POST', '/v1/threat-cases/query', { body: { tagFilter: ['a b'] }, headers: analyst });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/body/tagFilter', code: 'format' })]);
    });

    it('should export the cases of a tag filter with their assignee, severity and tags', async () => {
      const tag = `exp-${Date.now()}`;
      const tc = await openCase({ assignee: 'ana', severity: 'critical', tags: [tag, 'vip'] });
      await openCase({ tags: ['vip'] });
      const id = await startExport(api, { resource: 'threat_cases', format: 'csv', scope: 'filtered', filters: { tag: [tag] } }, analyst);
      expect((await waitForExport(api, id, analyst)).status).toBe('completed');
      const [header, ...rows] = parseCsv((await downloadExport(api, id, analyst)).bytes.toString('utf8').replace(/^\uFEFF/, ''));
      const exported = rows.filter((row) => row.length > 1);
      expect(
        exported.map((row) => [
          row[header.indexOf('id')],
          row[header.indexOf('assignee')],
          row[header.indexOf('severity')],
          JSON.parse(row[header.indexOf('tags')]),
        ]),
      ).toEqual([[tc.id, 'ana', 'critical', [tag, 'vip']]]);
    });

    it('should show a case’s translated severity and its assignee in the PDF report', async () => {
      const tag = `pdf-${Date.now()}`;
      await openCase({ assignee: 'ana-pdf', severity: 'critical', tags: [tag] });
      const id = await startExport(api, { resource: 'threat_cases', format: 'pdf', scope: 'filtered', filters: { tag: [tag] }, locale: 'id' }, analyst);
      expect((await waitForExport(api, id, analyst)).status).toBe('completed');
      const { text } = await pdfText((await downloadExport(api, id, analyst)).bytes);
      expect(text).toContain('ana-pdf');
      expect(text).toContain('Kritis');
    });
  });
});
