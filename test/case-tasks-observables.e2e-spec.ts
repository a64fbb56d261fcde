import { publicId } from '@app/common';
import { Tenant } from '@app/database';

import { http, HttpResult } from './utils/api';
import { downloadExport, pdfText, startExport, waitForExport } from './utils/exports';
import { alertRow, apiWithWorld } from './utils/world';

interface Task {
  id: string;
  case_id: string;
  title: string;
  description: string | null;
  status: string;
  assignee: string | null;
  done_at: string | null;
  created_by: string;
  updated_by: string;
  version: number;
}
interface Observable {
  id: string;
  case_id: string;
  type: string;
  value: string;
  tags: string[];
  alert_ids: string[];
  first_seen: string;
  last_seen: string;
  description: string | null;
  version: number;
}
type One<T> = { data: T };
type List<T> = { items: T[]; total: number | null };
type Problem = { type: string; status: number; errors?: { field: string; code: string }[]; [field: string]: unknown };
type CaseBody = { id: string; version: number; timeline: { type: string; message: string | null; user_id: string }[] };

// Exports run in the api process here (no worker): the NDJSON test below reads a finished file.
process.env.EXPORTS_IN_PROCESS = 'true';

describe('threat case tasks and observables', () => {
  const setup = apiWithWorld();
  const { world } = setup;
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;
  let reader: Record<string, string>;
  let stranger: Record<string, string>;

  beforeAll(async () => {
    [tenant, other] = await Promise.all([world.tenant('Case work'), world.tenant('Elsewhere')]);
    writer = world.bearer(tenant, ['cases:read', 'cases:write'], 'analyst-1');
    reader = world.bearer(tenant, ['cases:read'], 'reader');
    stranger = world.bearer(other, ['cases:read', 'cases:write'], 'stranger');
  });

  function call<T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult<T>> {
    return http<T>(setup.api, method, path, { headers, body });
  }

  async function alerts(owner: Pick<Tenant, 'id'>, count: number): Promise<string[]> {
    const rows = Array.from({ length: count }, () => alertRow(owner.id));
    await world.prisma.alert.createMany({ data: rows });
    return rows.map((row) => row.id as string);
  }

  async function openCase(headers = writer, owner: Pick<Tenant, 'id'> = tenant): Promise<CaseBody> {
    const created = await call<One<CaseBody>>('POST', '/v1/threat-cases', headers, { alert_ids: await alerts(owner, 1) });
    expect(created.status).toBe(201);
    return created.body.data;
  }

  async function readCase(id: string): Promise<CaseBody> {
    return (await call<One<CaseBody>>('GET', `/v1/threat-cases/${id}`, reader)).body.data;
  }

  describe('tasks', () => {
    it('should add, read, change and delete a task with ETags, done_at and one timeline and audit event per change', async () => {
      const tc = await openCase();
      const created = await call<One<Task>>('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, { title: 'Collect door logs', assignee: 'analyst-2' });
      expect(created.status).toBe(201);
      const task = created.body.data;
      expect(task).toMatchObject({
        case_id: tc.id,
        title: 'Collect door logs',
        status: 'waiting',
        assignee: 'analyst-2',
        done_at: null,
        created_by: 'analyst-1',
        version: 1,
      });
      expect(task.id).toMatch(/^tct_[0-9A-Z]{26}$/);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.headers.get('location')).toBe(`/v1/threat-cases/${tc.id}/tasks/${task.id}`);

      const read = await call<One<Task>>('GET', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, reader);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');

      const done = await call<One<Task>>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, { ...writer, 'if-match': '"1"' }, { status: 'completed' });
      expect(done.status).toBe(200);
      expect(done.body.data.status).toBe('completed');
      expect(done.body.data.done_at).not.toBeNull();
      expect(done.headers.get('etag')).toBe('"2"');

      const stale = await call<Problem>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, { ...writer, 'if-match': '"1"' }, { title: 'Late' });
      expect(stale.status).toBe(412);
      expect(stale.body.type).toContain('precondition-failed');
      expect(stale.headers.get('etag')).toBe('"2"');

      const reopened = await call<One<Task>>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, writer, { status: 'in_progress', assignee: null });
      expect(reopened.body.data).toMatchObject({ status: 'in_progress', done_at: null, assignee: null, version: 3 });

      const same = await call<One<Task>>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, writer, { status: 'in_progress' });
      expect(same.body.data.version).toBe(3);

      const deleted = await call('DELETE', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, { ...writer, 'if-match': '"3"' });
      expect(deleted.status).toBe(204);
      expect((await call<Problem>('GET', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, reader)).status).toBe(404);

      const after = await readCase(tc.id);
      const events = after.timeline.filter((event) => event.type.startsWith('TASK_'));
      expect(events.map((event) => event.type)).toEqual(['TASK_CREATED', 'TASK_UPDATED', 'TASK_UPDATED', 'TASK_DELETED']);
      expect(events[1].message).toContain('status waiting → completed');
      expect(events.every((event) => event.user_id === 'analyst-1')).toBe(true);
      expect(after.version).toBe(tc.version + 4);
      const audit = await world.prisma.auditEvent.findMany({
        where: { resourceId: tc.id, action: { startsWith: 'threat_case.task_' } },
        orderBy: { seq: 'asc' },
      });
      expect(audit.map((event) => event.action)).toEqual([
        'threat_case.task_create',
        'threat_case.task_update',
        'threat_case.task_update',
        'threat_case.task_delete',
      ]);
      expect(audit[0].details).toMatchObject({ task_id: task.id, title: 'Collect door logs' });
    });

    it('should list a case’s tasks oldest first on request, filtered by status and assignee', async () => {
      const tc = await openCase();
      for (const body of [
        { title: 'One', assignee: 'ana' },
        { title: 'Two', status: 'completed' },
        { title: 'Three', assignee: 'ben', status: 'in_progress' },
      ]) {
        expect((await call('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, body)).status).toBe(201);
      }
      const all = await call<List<Task>>('GET', `/v1/threat-cases/${tc.id}/tasks?sort_direction=asc`, reader);
      expect(all.body.items.map((task) => task.title)).toEqual(['One', 'Two', 'Three']);
      expect(all.body.total).toBe(3);
      expect(all.body.items[1].done_at).not.toBeNull();
      const open = await call<List<Task>>('GET', `/v1/threat-cases/${tc.id}/tasks?status=waiting,in_progress&sort_direction=asc`, reader);
      expect(open.body.items.map((task) => task.title)).toEqual(['One', 'Three']);
      const ben = await call<List<Task>>('GET', `/v1/threat-cases/${tc.id}/tasks?assignee=ben`, reader);
      expect(ben.body.items.map((task) => task.title)).toEqual(['Three']);
    });

    it('should refuse bad input with 400 and the 1,001st task of a case with 409', async () => {
      const tc = await openCase();
      const bad = await call<Problem>('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, { title: '', status: 'done' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((error) => error.field).sort()).toEqual(['status', 'title']);
      const nullTitle = await call<Problem>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${publicId('tct')}`, writer, { title: null });
      expect(nullTitle.status).toBe(400);
      const badIfMatch = await call<Problem>('PATCH', `/v1/threat-cases/${tc.id}/tasks/${publicId('tct')}`, { ...writer, 'if-match': '5' }, { title: 'x' });
      expect(badIfMatch.status).toBe(400);

      const now = new Date();
      await world.prisma.threatCaseTask.createMany({
        data: Array.from({ length: 1_000 }, (_, i) => ({
          id: publicId('tct'),
          tenantId: tenant.id,
          caseId: tc.id,
          title: `Task ${i}`,
          createdAt: now,
          createdBy: 'seed',
          updatedAt: now,
          updatedBy: 'seed',
        })),
      });
      const over = await call<Problem>('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, { title: 'One too many' });
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({ type: expect.stringContaining('threat-case-task-limit'), code: 10030101, limit: 1_000 });
    });

    it('should need cases:write to change and answer 404 for another tenant’s case, a deleted case and another case’s task', async () => {
      const tc = await openCase();
      const task = (await call<One<Task>>('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, { title: 'Mine' })).body.data;
      expect((await call('POST', `/v1/threat-cases/${tc.id}/tasks`, reader, { title: 'No' })).status).toBe(403);
      expect((await call('GET', `/v1/threat-cases/${tc.id}/tasks`, stranger)).status).toBe(404);
      expect((await call('GET', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, stranger)).status).toBe(404);
      expect((await call('PATCH', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, stranger, { title: 'Theirs' })).status).toBe(404);
      expect((await call('DELETE', `/v1/threat-cases/${tc.id}/tasks/${task.id}`, stranger)).status).toBe(404);
      const elsewhere = await openCase();
      expect((await call('GET', `/v1/threat-cases/${elsewhere.id}/tasks/${task.id}`, reader)).status).toBe(404);
      expect((await call('DELETE', `/v1/threat-cases/${tc.id}`, writer)).status).toBe(204);
      expect((await call('GET', `/v1/threat-cases/${tc.id}/tasks`, reader)).status).toBe(404);
      expect((await call('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, { title: 'After' })).status).toBe(404);
      expect(await world.prisma.threatCaseTask.findUnique({ where: { id: task.id } })).toMatchObject({ title: 'Mine' });
    });
  });

  describe('observables', () => {
    it('should add an observable, and see it again instead of adding a duplicate', async () => {
      const tc = await openCase();
      const [first, second] = await alerts(tenant, 2);
      const added = await call<One<Observable>>('POST', `/v1/threat-cases/${tc.id}/observables`, writer, {
        type: 'hash',
        value: 'D41D8CD98F00B204E9800998ECF8427E',
        tags: ['malware'],
        alert_ids: [first],
        first_seen: '2026-01-01T00:00:00Z',
        last_seen: '2026-01-02T00:00:00Z',
      });
      expect(added.status).toBe(201);
      expect(added.body.data).toMatchObject({
        type: 'hash',
        value: 'd41d8cd98f00b204e9800998ecf8427e',
        tags: ['malware'],
        alert_ids: [first],
        first_seen: '2026-01-01T00:00:00.000Z',
        last_seen: '2026-01-02T00:00:00.000Z',
        version: 1,
      });
      expect(added.headers.get('etag')).toBe('"1"');

      const again = await call<One<Observable>>('POST', `/v1/threat-cases/${tc.id}/observables`, writer, {
        type: 'hash',
        value: 'd41d8cd98f00b204e9800998ecf8427e',
        tags: ['dropper'],
        alert_ids: [second],
      });
      expect(again.status).toBe(200);
      expect(again.body.data.id).toBe(added.body.data.id);
      expect(again.body.data.first_seen).toBe('2026-01-01T00:00:00.000Z');
      expect(new Date(again.body.data.last_seen).getTime()).toBeGreaterThan(Date.parse('2026-01-02T00:00:00Z'));
      expect(again.body.data.tags).toEqual(['malware', 'dropper']);
      expect(again.body.data.alert_ids.sort()).toEqual([first, second].sort());
      expect(await world.prisma.threatCaseObservable.count({ where: { caseId: tc.id } })).toBe(1);

      const after = await readCase(tc.id);
      expect(after.timeline.filter((event) => event.type.startsWith('OBSERVABLE_')).map((event) => event.type)).toEqual([
        'OBSERVABLE_ADDED',
        'OBSERVABLE_UPDATED',
      ]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.observable_add' } })).toBe(1);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.observable_update' } })).toBe(1);
    });

    it('should validate the value for its type and refuse alerts of another tenant with 422', async () => {
      const tc = await openCase();
      const path = `/v1/threat-cases/${tc.id}/observables`;
      for (const [type, value] of [
        ['ip', '999.1.1.1'],
        ['url', 'not a url'],
        ['hash', 'abc'],
        ['domain', 'bad domain'],
        ['email', 'nobody'],
      ]) {
        const refused = await call<Problem>('POST', path, writer, { type, value });
        expect(refused.status).toBe(400);
        expect(refused.body.errors?.[0]).toMatchObject({ field: 'value', code: 'format' });
      }
      expect((await call<Problem>('POST', path, writer, { type: 'mac', value: 'x' })).status).toBe(400);
      const order = await call<Problem>('POST', path, writer, {
        type: 'user',
        value: 'bob',
        first_seen: '2026-02-01T00:00:00Z',
        last_seen: '2026-01-01T00:00:00Z',
      });
      expect(order.status).toBe(400);
      for (const [type, value] of [
        ['ip', '2001:DB8:0:0:0:0:0:1'],
        ['url', 'https://evil.example/path?q=1'],
        ['domain', 'Evil.Example.'],
        ['filename', 'invoice.pdf.exe'],
      ]) {
        expect((await call('POST', path, writer, { type, value })).status).toBe(201);
      }
      const ips = await call<List<Observable>>('GET', `${path}?type=ip`, reader);
      expect(ips.body.items.map((observable) => observable.value)).toEqual(['2001:db8::1']);

      const [foreign] = await alerts(other, 1);
      const refused = await call<Problem>('POST', path, writer, { type: 'user', value: 'mallory', alert_ids: [foreign] });
      expect(refused.status).toBe(422);
      expect(refused.body.alert_ids).toEqual([foreign]);
      expect(await world.prisma.threatCaseObservable.count({ where: { caseId: tc.id, value: 'mallory' } })).toBe(0);
    });

    it('should change tags, alerts and last_seen with If-Match, and delete', async () => {
      const tc = await openCase();
      const [a, b] = await alerts(tenant, 2);
      const path = `/v1/threat-cases/${tc.id}/observables`;
      const added = (await call<One<Observable>>('POST', path, writer, { type: 'ip', value: '203.0.113.7', alert_ids: [a], tags: ['scan'] })).body.data;
      const changed = await call<One<Observable>>(
        'PATCH',
        `${path}/${added.id}`,
        { ...writer, 'if-match': '"1"' },
        { tags: ['c2'], alert_ids: [b], description: 'C2' },
      );
      expect(changed.status).toBe(200);
      expect(changed.body.data).toMatchObject({ tags: ['c2'], alert_ids: [b], description: 'C2', version: 2 });
      expect((await call<Problem>('PATCH', `${path}/${added.id}`, { ...writer, 'if-match': '"1"' }, { tags: [] })).status).toBe(412);
      const early = await call<Problem>('PATCH', `${path}/${added.id}`, writer, { last_seen: '2000-01-01T00:00:00Z' });
      expect(early.status).toBe(400);
      const unchanged = await call<One<Observable>>('PATCH', `${path}/${added.id}`, writer, { tags: ['c2'] });
      expect(unchanged.body.data.version).toBe(2);
      expect((await call('DELETE', `${path}/${added.id}`, { ...writer, 'if-match': '"2"' })).status).toBe(204);
      expect((await call('GET', `${path}/${added.id}`, reader)).status).toBe(404);
      expect(await world.prisma.threatCaseObservableAlert.count({ where: { observableId: added.id } })).toBe(0);
      const after = await readCase(tc.id);
      expect(after.timeline.filter((event) => event.type.startsWith('OBSERVABLE_')).map((event) => event.type)).toEqual([
        'OBSERVABLE_ADDED',
        'OBSERVABLE_UPDATED',
        'OBSERVABLE_DELETED',
      ]);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: tc.id, action: 'threat_case.observable_delete' } })).toBe(1);
    });

    it('should refuse the 1,001st observable of a case and the 101st alert of an observable with 409', async () => {
      const tc = await openCase();
      const path = `/v1/threat-cases/${tc.id}/observables`;
      const linked = await alerts(tenant, 100);
      const full = (await call<One<Observable>>('POST', path, writer, { type: 'user', value: 'root', alert_ids: linked })).body.data;
      expect(full.alert_ids).toHaveLength(100);
      const [extra] = await alerts(tenant, 1);
      const tooMany = await call<Problem>('POST', path, writer, { type: 'user', value: 'root', alert_ids: [extra] });
      expect(tooMany.status).toBe(409);
      expect(tooMany.body).toMatchObject({ code: 10030103, linked: 100, limit: 100 });

      const now = new Date();
      await world.prisma.threatCaseObservable.createMany({
        data: Array.from({ length: 999 }, (_, i) => ({
          id: publicId('tco'),
          tenantId: tenant.id,
          caseId: tc.id,
          type: 'other' as const,
          value: `seed-${i}`,
          valueDigest: `${i}`.padStart(64, '0'),
          firstSeen: now,
          lastSeen: now,
          createdAt: now,
          createdBy: 'seed',
          updatedAt: now,
          updatedBy: 'seed',
        })),
      });
      const over = await call<Problem>('POST', path, writer, { type: 'other', value: 'one too many' });
      expect(over.status).toBe(409);
      expect(over.body).toMatchObject({ code: 10030102, limit: 1_000 });
      // Seeing one it holds again is no new observable: not refused.
      expect((await call('POST', path, writer, { type: 'user', value: 'root' })).status).toBe(200);
    });

    it('should find the cases that saw an observable across the tenant, leaving out deleted cases and other tenants', async () => {
      const value = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
      const [one, two, gone] = [await openCase(), await openCase(), await openCase()];
      const theirs = await openCase(stranger, other);
      for (const tc of [one, two, gone]) expect((await call('POST', `/v1/threat-cases/${tc.id}/observables`, writer, { type: 'ip', value })).status).toBe(201);
      expect((await call('POST', `/v1/threat-cases/${theirs.id}/observables`, stranger, { type: 'ip', value })).status).toBe(201);
      expect((await call('DELETE', `/v1/threat-cases/${gone.id}`, writer)).status).toBe(204);

      const found = await call<List<Observable>>('GET', `/v1/observables?value=${value}&sort_direction=asc`, reader);
      expect(found.status).toBe(200);
      expect(found.body.items.map((observable) => observable.case_id)).toEqual([one.id, two.id]);
      const typed = await call<List<Observable>>('GET', `/v1/observables?type=domain&value=${value}`, reader);
      expect(typed.body.items).toEqual([]);
      expect((await call<Problem>('GET', '/v1/observables?type=mac', reader)).status).toBe(400);
      expect((await call<Problem>('GET', '/v1/observables', world.bearer(tenant, ['alerts:read']))).status).toBe(403);
      expect((await call('GET', `/v1/threat-cases/${gone.id}/observables`, reader)).status).toBe(404);
      expect((await call('GET', `/v1/threat-cases/${theirs.id}/observables`, reader)).status).toBe(404);
    });
  });

  describe('exports', () => {
    it('should give each exported case its task, open task and observable counts, and count them in the PDF summary', async () => {
      const tc = await openCase();
      for (const body of [{ title: 'Open' }, { title: 'Done', status: 'completed' }]) await call('POST', `/v1/threat-cases/${tc.id}/tasks`, writer, body);
      await call('POST', `/v1/threat-cases/${tc.id}/observables`, writer, { type: 'domain', value: 'evil.example' });
      const exporter = world.bearer(tenant, ['cases:read', 'exports:read', 'exports:write'], 'exporter');
      const id = await startExport(setup.api, { resource: 'threat_cases', format: 'ndjson', scope: 'selected', ids: [tc.id] }, exporter);
      expect((await waitForExport(setup.api, id, exporter)).status).toBe('completed');
      const file = await downloadExport(setup.api, id, exporter);
      const [row] = file.bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(row).toMatchObject({ id: tc.id, task_count: 2, open_task_count: 1, observable_count: 1 });

      const pdf = await startExport(setup.api, { resource: 'threat_cases', format: 'pdf', scope: 'selected', ids: [tc.id] }, exporter);
      expect((await waitForExport(setup.api, pdf, exporter)).status).toBe('completed');
      const { text } = await pdfText((await downloadExport(setup.api, pdf, exporter)).bytes);
      expect(text).toContain('Tasks and observables');
      expect(text).toMatch(/Open tasks \(waiting or in progress\)\s+1/);
      expect(text).toMatch(/Observables\s+1/);
    });
  });
});
