import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';

import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

type Item = Record<string, unknown>;
type List = { items: Item[]; pagination: { next_cursor?: string | null } };
type Problem = { type: string; status: number; errors: { field: string; code: string; message: string }[] };

/**
 * Sparse fieldsets (issue 21 item 4): `fields=` on the list endpoints keeps the items' chosen top-level
 * fields and `id`, is validated against the item schema of the OpenAPI document, and leaves paging alone.
 */
describe('sparse fieldsets (fields=)', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let headers: Record<string, string>;
  let document: OpenAPIObject;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Sparse');
    headers = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write', 'audit:read', 'exports:read']);
    for (const [i, severity] of ['low', 'high', 'critical'].entries()) {
      const created = await http(api, 'POST', '/v1/alerts', { body: { type: 'sparse', source: 'test', title: `Sparse ${i}`, severity }, headers });
      expect(created.status).toBe(201);
    }
    document = (await http<OpenAPIObject>(api, 'GET', '/openapi.json')).body;
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const list = (path: string) => http<List>(api, 'GET', path, { headers });

  /** The `fields` parameter of an operation and the names its enum allows. */
  function fieldsParameter(path: string): string[] {
    const parameter = document.paths[path].get?.parameters?.find((p) => (p as ParameterObject).name === 'fields') as ParameterObject;
    const items = (parameter.schema as SchemaObject).items as SchemaObject & { $ref?: string };
    const named = items.$ref ? (document.components?.schemas?.[items.$ref.split('/').pop() as string] as SchemaObject) : items;
    return named.enum as string[];
  }

  it('should answer only the fields asked for, and id, in every item of the alert list', async () => {
    const full = await list('/v1/alerts?sort_by=created_at&sort_direction=asc');
    const sparse = await list('/v1/alerts?sort_by=created_at&sort_direction=asc&fields=title,severity,status,created_at');
    expect(sparse.status).toBe(200);
    expect(sparse.body.items).toEqual(
      full.body.items.map((item) => ({ id: item.id, title: item.title, severity: item.severity, status: item.status, created_at: item.created_at })),
    );
    expect(sparse.body.items.map((item) => Object.keys(item))).toEqual(full.body.items.map(() => ['id', 'title', 'severity', 'status', 'created_at']));
    expect(sparse.text.length).toBeLessThan(full.text.length / 3);
  });

  it('should take the fields as repeated parameters too, and page by cursor as without them', async () => {
    const first = await list('/v1/alerts?page_size=2&pagination=cursor&fields=title&fields=severity');
    expect(first.body.items.map((item) => Object.keys(item).sort())).toEqual([
      ['id', 'severity', 'title'],
      ['id', 'severity', 'title'],
    ]);
    const next = await list(`/v1/alerts?page_size=2&fields=title&cursor=${encodeURIComponent(first.body.pagination.next_cursor as string)}`);
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    expect(Object.keys(next.body.items[0]).sort()).toEqual(['id', 'title']);
    const ids = [...first.body.items, ...next.body.items].map((item) => item.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('should refuse a field the items do not have with a validation problem that names the parameter, and list the allowed ones', async () => {
    for (const path of ['/v1/alerts', '/v1/threat-cases', '/v1/audit-trail', '/v1/exports']) {
      const refused = await http<Problem>(api, 'GET', `${path}?fields=title,password`, { headers });
      expect({ path, status: refused.status, type: refused.body.type }).toEqual({ path, status: 400, type: '/problems/validation-error' });
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'fields', code: 'enum' })]);
    }
    // Another list's field is not this one's.
    const foreign = await http<Problem>(api, 'GET', '/v1/alerts?fields=job_id', { headers });
    expect({ status: foreign.status, fields: foreign.body.errors.map((error) => error.field) }).toEqual({ status: 400, fields: ['fields'] });
  });

  it("should keep the export list's own identifier, job_id, in every sparse item", async () => {
    const started = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
      body: { resource: 'alerts', format: 'csv', scope: 'all' },
      headers: { ...headers, ...world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write']) },
    });
    expect(started.status).toBe(202);
    const jobs = await list('/v1/exports?fields=status');
    expect(jobs.body.items).toEqual([{ job_id: started.body.data.job_id, status: expect.any(String) }]);
  });

  it('should offer exactly the fields of each list item in the OpenAPI document', async () => {
    const full = {
      '/v1/alerts': (await list('/v1/alerts?page_size=1')).body.items[0],
      '/v1/audit-trail': (await list('/v1/audit-trail?page_size=1')).body.items[0],
    };
    for (const [path, item] of Object.entries(full)) expect({ path, fields: fieldsParameter(path).sort() }).toEqual({ path, fields: Object.keys(item).sort() });
    const caseSchema = document.components?.schemas?.ThreatCaseDto as SchemaObject;
    expect(fieldsParameter('/v1/threat-cases').sort()).toEqual(Object.keys(caseSchema.properties ?? {}).sort());
    const exportSchema = document.components?.schemas?.ExportJobDto as SchemaObject;
    expect(fieldsParameter('/v1/exports').sort()).toEqual(Object.keys(exportSchema.properties ?? {}).sort());
  });

  it('should cut the threat case and audit trail lists alike', async () => {
    const alertIds = (await list('/v1/alerts?page_size=1')).body.items.map((item) => item.id);
    const opened = await http(api, 'POST', '/v1/threat-cases', { body: { title: 'Sparse case', alert_ids: alertIds }, headers });
    expect(opened.status).toBe(201);
    const cases = await list('/v1/threat-cases?fields=title,status');
    expect(cases.body.items).toEqual([{ id: expect.stringMatching(/^tc_/), title: 'Sparse case', status: expect.any(String) }]);
    const events = await list('/v1/audit-trail?fields=action&page_size=50');
    expect(events.body.items.length).toBeGreaterThanOrEqual(4);
    expect(events.body.items.every((item) => Object.keys(item).join() === 'id,action')).toBe(true);
    expect(events.body.items.map((item) => item.action)).toEqual(expect.arrayContaining(['alert.create', 'threat_case.create']));
  });
});
