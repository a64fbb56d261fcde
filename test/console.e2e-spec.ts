import { Tenant } from '@app/database';

import { http, HttpResult, startApi, TestApi } from './utils/api';
import { waitForExport } from './utils/exports';
import { World } from './utils/world';

type Me = {
  data: {
    kind: string;
    subject: string;
    tenant: { id: string; name: string };
    scopes: string[];
    is_admin: boolean;
    credential: { name?: string; issuer?: string; token_id?: string; issued_at?: string; expires_at: string | null };
  };
};

describe('GET /v1/me', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startApi();
    tenant = await world.tenant('Me');
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should answer a token’s principal, tenant, sorted scopes, issuer and expiry without any scope needed', async () => {
    const result = await http<Me>(api, 'GET', '/v1/me', { headers: world.bearer(tenant, ['cases:read', 'alerts:read'], 'analyst-7') });
    expect(result.status).toBe(200);
    const { data } = result.body;
    expect(data).toEqual(
      expect.objectContaining({
        kind: 'jwt',
        subject: 'analyst-7',
        scopes: ['alerts:read', 'cases:read'],
        is_admin: false,
        tenant: expect.objectContaining({ id: tenant.id, name: tenant.name }),
      }),
    );
    // A development token: iat now, exp a day later, no iss (JWT_ISSUER is not set in the tests), no jti.
    expect(Object.keys(data.credential).sort()).toEqual(['expires_at', 'issued_at']);
    const lifetime = Date.parse(data.credential.expires_at as string) - Date.parse(data.credential.issued_at as string);
    expect(lifetime).toBe(86_400_000);
    expect(Math.abs(Date.parse(data.credential.issued_at as string) - Date.now())).toBeLessThan(60_000);
    const none = await http<Me>(api, 'GET', '/v1/me', { headers: world.bearer(tenant, [], 'nobody') });
    expect([none.status, none.body.data.scopes]).toEqual([200, []]);
  });

  it('should answer an API key’s id, name and expiry, by X-API-Key and as a bearer token', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const key = await world.apiKey(tenant, ['alerts:ingest'], expiresAt);
    const result = await http<Me>(api, 'GET', '/v1/me', { headers: key.headers });
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual(
      expect.objectContaining({
        kind: 'api_key',
        subject: key.id,
        scopes: ['alerts:ingest'],
        credential: expect.objectContaining({ name: 'test key', expires_at: expiresAt.toISOString() }),
      }),
    );
    const asBearer = await http<Me>(api, 'GET', '/v1/me', { headers: { authorization: `Bearer ${key.headers['x-api-key']}` } });
    expect(asBearer.body.data.subject).toBe(key.id);
    const forever = await world.apiKey(tenant, ['alerts:read']);
    expect((await http<Me>(api, 'GET', '/v1/me', { headers: forever.headers })).body.data.credential.expires_at).toBeNull();
  });

  it('should answer the scopes an auditor acts with, and admin for an admin', async () => {
    const auditor = await http<Me>(api, 'GET', '/v1/me', { headers: world.bearer(tenant, ['auditor', 'alerts:write']) });
    expect(auditor.body.data.scopes).toEqual(['alerts:read', 'audit:read', 'auditor', 'cases:read', 'compliance:read', 'exports:read', 'exports:write']);
    const admin = await http<Me>(api, 'GET', '/v1/me', { headers: await world.admin() });
    expect([admin.body.data.is_admin, admin.body.data.subject]).toEqual([true, 'root-operator']);
  });

  it('should answer 401 without a credential and with a revoked key', async () => {
    expect((await http(api, 'GET', '/v1/me')).status).toBe(401);
    const key = await world.apiKey(tenant, ['alerts:read']);
    await world.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const revoked = await http(api, 'GET', '/v1/me', { headers: key.headers });
    expect([revoked.status, revoked.body.type]).toEqual([401, '/problems/revoked-api-key']);
  });
});

describe('ETag and If-None-Match on detail reads', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let headers: Record<string, string>;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    tenant = await world.tenant('Conditional');
    headers = world.bearer(tenant, [
      'alerts:read',
      'alerts:write',
      'cases:read',
      'cases:write',
      'compliance:read',
      'compliance:write',
      'exports:read',
      'exports:write',
      'webhooks:read',
      'webhooks:write',
    ]);
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  const get = (path: string, ifNoneMatch?: string): Promise<HttpResult<Record<string, unknown>>> =>
    http(api, 'GET', path, { headers: ifNoneMatch === undefined ? headers : { ...headers, 'if-none-match': ifNoneMatch } });

  async function expectNotModified(path: string, ifNoneMatch: string, etag: string): Promise<void> {
    const result = await get(path, ifNoneMatch);
    expect({ path, ifNoneMatch, status: result.status, text: result.text, etag: result.headers.get('etag') }).toEqual({
      path,
      ifNoneMatch,
      status: 304,
      text: '',
      etag,
    });
  }

  async function created(path: string, body: object): Promise<string> {
    const result = await http<{ data: { id?: string; job_id?: string } }>(api, 'POST', path, { body, headers });
    expect([path, result.status]).toEqual([path, path === '/v1/exports' ? 202 : 201]);
    return `${path}/${result.body.data.id ?? result.body.data.job_id}`;
  }

  it('should answer an alert’s version as its ETag, 304 while it is current, 200 once it changed', async () => {
    const path = await created('/v1/alerts', { type: 'brute_force', source: 'vpn', title: 'Cached', severity: 'high' });
    const first = await get(path);
    expect(first.headers.get('etag')).toBe('"1"');
    await expectNotModified(path, '"1"', '"1"');
    await expectNotModified(path, 'W/"1"', '"1"');
    await expectNotModified(path, '"0", "7",  "1"', '"1"');
    await expectNotModified(path, '*', '"1"');
    expect((await http(api, 'POST', `${path}/acknowledge`, { body: {}, headers })).status).toBe(200);
    const changed = await get(path, '"1"');
    expect([changed.status, changed.headers.get('etag'), (changed.body.data as { status: string }).status]).toEqual([200, '"2"', 'acknowledged']);
  });

  it.each([
    ['an unknown tag', '"999"'],
    ['an unquoted tag', '1'],
    ['a list with a malformed member', '"1", 1'],
  ])('should answer the whole alert for %s', async (_name, ifNoneMatch) => {
    const path = await created('/v1/alerts', { type: 'brute_force', source: 'vpn', title: 'Not cached', severity: 'low' });
    const result = await get(path, ifNoneMatch);
    expect([result.status, result.headers.get('etag'), (result.body.data as { title: string }).title]).toEqual([200, '"1"', 'Not cached']);
  });

  it('should answer ETags for threat cases (their version), control rules, legal holds, webhooks and tenants (weak, of the data), and 304 for them', async () => {
    const alert = await created('/v1/alerts', { type: 'brute_force', source: 'vpn', title: 'For a case', severity: 'high' });
    const paths = [
      await created('/v1/threat-cases', { alert_ids: [alert.split('/').pop()], title: 'Cached case' }),
      await created('/v1/compliance/control-rules', { name: 'Logins', controls: ['ISO27001:A.8.15'], match: { types: ['login'] } }),
      await created('/v1/compliance/legal-holds', { scope: 'tenant', reason: 'Conditional reads' }),
      await created('/v1/webhooks', { url: 'https://hooks.example.com/etag', event_types: ['alert.created'] }),
      `/v1/tenants/${tenant.id}`,
    ];
    for (const path of paths) {
      const first = await get(path);
      const etag = first.headers.get('etag') as string;
      const expected = path.startsWith('/v1/threat-cases/') ? /^"\d+"$/ : /^W\/"[A-Za-z0-9_-]{43}"$/;
      expect([path, first.status, etag]).toEqual([path, 200, expect.stringMatching(expected)]);
      expect((await get(path)).headers.get('etag')).toBe(etag);
      await expectNotModified(path, etag, etag);
      // Weak comparison: the same tag with or without W/ is current.
      await expectNotModified(path, etag.startsWith('W/') ? etag.slice(2) : `W/${etag}`, etag);
      expect((await get(path, 'W/"other"')).status).toBe(200);
    }
  });

  it('should give a threat case a new ETag when it changes', async () => {
    const alert = await created('/v1/alerts', { type: 'brute_force', source: 'vpn', title: 'Case change', severity: 'high' });
    const path = await created('/v1/threat-cases', { alert_ids: [alert.split('/').pop()], title: 'Noted' });
    const before = (await get(path)).headers.get('etag') as string;
    const noted = await http(api, 'POST', `${path}/timeline`, { body: { message: 'Guard on site' }, headers });
    expect(noted.status).toBe(201);
    const after = await get(path, before);
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body.data)).toContain('Guard on site');
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('should answer an export job’s ETag and 304, its file’s too, and not another tenant’s job', async () => {
    const path = await created('/v1/exports', { resource: 'alerts', format: 'csv', scope: 'filtered', filters: {} });
    await waitForExport(api, path.split('/').pop() as string, headers);
    const etag = (await get(path)).headers.get('etag') as string;
    expect(etag).toMatch(/^W\//);
    await expectNotModified(path, etag, etag);
    const file = await get(`${path}/download`);
    const fileTag = file.headers.get('etag') as string;
    expect([file.status, fileTag]).toEqual([200, expect.stringMatching(/^"[0-9a-f]{64}"$/)]);
    await expectNotModified(`${path}/download`, `W/${fileTag}`, fileTag);
    const stranger = await world.tenant('Conditional other');
    const foreign = await http(api, 'GET', path, { headers: { ...world.bearer(stranger, ['exports:read']), 'if-none-match': '*' } });
    expect(foreign.status).toBe(404);
  });
});
