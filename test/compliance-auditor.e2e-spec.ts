import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { signHs256 } from '@app/auth';
import { publicId } from '@app/common';
import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

const run = promisify(execFile);
type Problem = { type: string; code: number; i18n_args: Record<string, string> };

/**
 * The auditor (issue 8, item 6): a scope that reads and exports and writes nothing, credentials that
 * expire, and every request an auditor makes in the audit trail.
 */
describe('compliance: the auditor', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let auditor: { id: string; headers: Record<string, string> };

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Audited'), world.tenant('Not audited')]);
    auditor = await world.apiKey(tenant, ['auditor'], new Date(Date.now() + 30 * 86_400_000));
    await world.prisma.alert.createMany({ data: [alertRow(tenant.id, { severity: 'high' }), alertRow(other.id, { severity: 'high' })] });
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  const trail = (actor: string) =>
    world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, actor, action: 'auditor.request' }, orderBy: { seq: 'asc' } });

  it('should read every resource and start exports, within the tenant only', async () => {
    for (const path of [
      '/v1/alerts',
      '/v1/alerts/stats/severity',
      '/v1/threat-cases',
      '/v1/audit-trail',
      '/v1/audit-trail/verify',
      '/v1/compliance/settings',
      '/v1/compliance/control-rules',
      '/v1/compliance/legal-holds',
      '/v1/exports',
    ]) {
      const result = await http(api, 'GET', path, { headers: auditor.headers });
      expect({ path, status: result.status }).toEqual({ path, status: 200 });
    }
    const alerts = await http<{ items: { tenant_id: string }[] }>(api, 'GET', '/v1/alerts', { headers: auditor.headers });
    expect(new Set(alerts.body.items.map((a) => a.tenant_id))).toEqual(new Set([tenant.id]));
    const exported = await http(api, 'POST', '/v1/exports', { body: { resource: 'alerts', format: 'csv', scope: 'all' }, headers: auditor.headers });
    expect(exported.status).toBe(202);
  });

  it.each([
    ['create an alert', 'POST', '/v1/alerts', { type: 't', source: 's', title: 't', severity: 'low' }, 'alerts:write'],
    ['ingest', 'POST', '/v1/ingest/alertmanager', { version: '4', status: 'firing', receiver: 'r', alerts: [] }, 'alerts:ingest'],
    ['open a case', 'POST', '/v1/threat-cases', { alert_ids: ['alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4'] }, 'cases:write'],
    ['change the compliance settings', 'PATCH', '/v1/compliance/settings', { retention_days: 365 }, 'compliance:write'],
    ['place a legal hold', 'POST', '/v1/compliance/legal-holds', { scope: 'tenant', reason: 'x' }, 'compliance:write'],
    ['create a tenant', 'POST', '/v1/tenants', { name: 'x', slug: 'auditor-made' }, 'admin'],
  ])('should refuse to %s with 403', async (_name, method, path, body, scope) => {
    const result = await http<Problem>(api, method, path, { body, headers: auditor.headers });
    expect(result.status).toBe(403);
    expect(result.body).toEqual(expect.objectContaining({ type: '/problems/missing-scope', i18n_args: { scope } }));
  });

  it('should let an auditor cancel or delete only its own exports, and keep every finished export while the tenant is under a legal hold', async () => {
    const exporter = world.bearer(tenant, ['alerts:read', 'exports:read', 'exports:write'], 'records-officer');
    const othersJob = (
      await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', { body: { resource: 'alerts', format: 'ndjson', scope: 'all' }, headers: exporter })
    ).body.data.job_id;
    const ownJob = (
      await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
        body: { resource: 'alerts', format: 'ndjson', scope: 'all' },
        headers: auditor.headers,
      })
    ).body.data.job_id;
    await Promise.all([waitForExport(api, othersJob, exporter), waitForExport(api, ownJob, auditor.headers)]);

    const refused = await http<Problem>(api, 'DELETE', `/v1/exports/${othersJob}`, { headers: auditor.headers });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/export-not-yours', requested_by: 'records-officer' }));
    expect((await http(api, 'GET', `/v1/exports/${othersJob}`, { headers: exporter })).status).toBe(200);

    const officer = world.bearer(tenant, ['compliance:read', 'compliance:write'], 'compliance-officer');
    const hold = await http<{ data: { id: string } }>(api, 'POST', '/v1/compliance/legal-holds', {
      body: { scope: 'tenant', reason: 'Regulator request' },
      headers: officer,
    });
    expect(hold.status).toBe(201);
    for (const [job, headers] of [
      [ownJob, auditor.headers],
      [othersJob, exporter],
    ] as const) {
      const held = await http<Problem>(api, 'DELETE', `/v1/exports/${job}`, { headers });
      expect(held.status).toBe(409);
      expect(held.body).toEqual(expect.objectContaining({ type: '/problems/export-under-legal-hold', hold_id: hold.body.data.id }));
      expect((await downloadExport(api, job, headers)).status).toBe(200);
    }
    expect((await http(api, 'POST', `/v1/compliance/legal-holds/${hold.body.data.id}/release`, { body: { note: 'Answered' }, headers: officer })).status).toBe(
      200,
    );
    expect((await http(api, 'DELETE', `/v1/exports/${ownJob}`, { headers: auditor.headers })).status).toBe(204);
    expect((await http(api, 'DELETE', `/v1/exports/${othersJob}`, { headers: exporter })).status).toBe(204);
  });

  it('should give an auditor only the auditor’s scopes, whatever else the credential names', async () => {
    const token = signHs256(
      { sub: 'auditor-jwt', tenant_id: tenant.id, scopes: ['auditor', 'alerts:write', 'admin'], exp: Math.floor(Date.now() / 1000) + 600 },
      process.env.JWT_SECRET as string,
    );
    const headers = { authorization: `Bearer ${token}` };
    expect((await http(api, 'GET', '/v1/alerts', { headers })).status).toBe(200);
    expect((await http(api, 'POST', '/v1/alerts', { body: { type: 't', source: 's', title: 't', severity: 'low' }, headers })).status).toBe(403);
    // the admin it named is dropped: tenant_id, an admin's filter, is refused
    const list = await http(api, 'GET', `/v1/alerts?tenant_id=${other.id}`, { headers });
    expect(list.status).toBe(400);
  });

  it('should record every request of an auditor, successes and failures, with method, route, status and query', async () => {
    const key = await world.apiKey(tenant, ['auditor'], new Date(Date.now() + 86_400_000));
    await http(api, 'GET', '/v1/alerts?severity=high&page_size=5', { headers: key.headers });
    await http(api, 'POST', '/v1/alerts', { body: { type: 't', source: 's', title: 't', severity: 'low' }, headers: key.headers });
    await http(api, 'GET', `/v1/alerts/${publicId('alr')}`, { headers: key.headers });
    await http(api, 'GET', '/v1/alerts?page_size=9999', { headers: key.headers });
    const events = await trail(key.id);
    expect(events.map((e) => [e.resourceId, e.outcome, (e.details as { status: number }).status])).toEqual([
      ['GET /v1/alerts', 'success', 200],
      ['POST /v1/alerts', 'failure', 403],
      ['GET /v1/alerts/:id', 'failure', 404],
      ['GET /v1/alerts', 'failure', 400],
    ]);
    expect(events[0].details).toEqual({ method: 'GET', route: '/v1/alerts', path: '/v1/alerts', status: 200, query: { severity: 'high', page_size: '5' } });
    expect(events[0]).toEqual(expect.objectContaining({ actorType: 'api_key', resourceType: 'api' }));
    const verify = await http<{ data: { valid: boolean } }>(api, 'GET', '/v1/audit-trail/verify', { headers: key.headers });
    expect(verify.body.data.valid).toBe(true);
  });

  it('should not record the requests of other principals as auditor requests', async () => {
    const analyst = world.bearer(tenant, ['alerts:read'], 'plain-analyst');
    await http(api, 'GET', '/v1/alerts', { headers: analyst });
    expect(await trail('plain-analyst')).toEqual([]);
  });

  it('should refuse an expired auditor key with 401 expired-api-key, and an auditor token without exp with 401 invalid-claims', async () => {
    const expired = await world.apiKey(tenant, ['auditor'], new Date(Date.now() - 1000));
    const refused = await http<Problem>(api, 'GET', '/v1/alerts', { headers: expired.headers });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/expired-api-key', code: 10010015 }));
    // Refused, yet the auditor's: the attempt is in the trail under the expired key.
    const attempts = await trail(expired.id);
    expect(attempts.map((e) => [e.resourceId, e.outcome, (e.details as { status: number }).status, e.actorType])).toEqual([
      ['GET /v1/alerts', 'failure', 401, 'api_key'],
    ]);
    const forever = signHs256({ sub: 'timeless', tenant_id: tenant.id, scopes: ['auditor'] }, process.env.JWT_SECRET as string);
    const noExp = await http<Problem>(api, 'GET', '/v1/alerts', { headers: { authorization: `Bearer ${forever}` } });
    expect(noExp.status).toBe(401);
    expect(noExp.body).toEqual(expect.objectContaining({ type: '/problems/invalid-claims', i18n_args: { claim: 'exp' } }));
    await expect(world.apiKeys.create({ tenantId: tenant.id, name: 'forever', scopes: ['auditor'], createdBy: 'e2e' })).rejects.toMatchObject({
      options: { errors: [expect.objectContaining({ field: 'expires_at', code: 'required' })] },
    });
  });

  it('should create an expiring auditor key from the CLI with --expires-in, and refuse one that never expires', async () => {
    const env = { ...process.env };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env });
    const before = Date.now();
    const created = await cli('api-keys', 'create', '--tenant', tenant.slug, '--name', 'external auditor', '--scopes', 'auditor', '--expires-in', '30d');
    const secret = created.stdout.trim().split('\n').pop() as string;
    const stored = await world.apiKeys.findBySecret(secret);
    const expiresIn = (stored?.expiresAt?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(expiresIn).toBeLessThan(31 * 86_400_000);
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: { 'x-api-key': secret } })).status).toBe(200);
    expect((await cli('api-keys', 'list', '--tenant', tenant.slug)).stdout).toContain(`active until ${stored?.expiresAt?.toISOString()}`);
    await expect(cli('api-keys', 'create', '--tenant', tenant.slug, '--name', 'x', '--scopes', 'auditor')).rejects.toMatchObject({ code: 64 });
    await expect(cli('api-keys', 'create', '--tenant', tenant.slug, '--name', 'x', '--scopes', 'auditor', '--expires-in', 'soon')).rejects.toMatchObject({
      code: 64,
    });
  });
});
