import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { OidcProvider, startOidcProvider } from './utils/oidc';
import { World } from './utils/world';

/**
 * Access tokens of a real OpenID provider (oidc-provider, in its own process): discovery, its JWKS and
 * key rotation, ES256/RS256/PS256/EdDSA, the tenant and scope mapping of OIDC_ISSUERS, and every
 * refusal with its own problem.
 */
describe('OIDC issuers', () => {
  const world = new World();
  let api: TestApi;
  let trusted: OidcProvider;
  let stranger: OidcProvider;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let alertOfA: string;
  const saved = process.env.OIDC_ISSUERS;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function problem(token: string): Promise<string> {
    const result = await http(api, 'GET', '/v1/alerts', { headers: bearer(token) });
    expect(result.status).toBe(401);
    return String(result.body.type);
  }

  beforeAll(async () => {
    [tenantA, tenantB] = await Promise.all([world.tenant('Oidc A'), world.tenant('Oidc B')]);
    const created = await http<{ data: { id: string } }>(await startApi().then((started) => (api = started)), 'POST', '/v1/alerts', {
      body: { type: 'brute_force', source: 'idp-test', title: 'Seen by an OIDC client', severity: 'high' },
      headers: world.bearer(tenantA, ['alerts:write']),
    });
    alertOfA = created.body.data.id;
    await api.close();
    [trusted, stranger] = await Promise.all([
      startOidcProvider({
        reader: { tenant_id: tenantA.id },
        triage: { tenant_id: tenantB.id, groups: ['alert-triage'] },
        late: { tenant_id: tenantA.id, expired: true },
        web: { tenant_id: tenantA.id },
      }),
      startOidcProvider({ reader: { tenant_id: tenantA.id } }),
    ]);
    process.env.OIDC_ISSUERS = JSON.stringify([
      {
        issuer: trusted.issuer,
        audience: 'alert-ledger',
        tenant_claim: 'tenant_id',
        scope_claims: ['scope', 'groups'],
        scope_map: { 'alerts:read': ['alerts:read'], 'cases:read': ['cases:read'], 'alert-triage': ['alerts:read', 'alerts:write'] },
      },
    ]);
    // Every unknown kid may fetch the keys again at once: the rotation below is seen by the next token.
    process.env.OIDC_JWKS_REFRESH_SECONDS = '0';
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await Promise.all([trusted.stop(), stranger.stop()]);
    await world.close();
    if (saved === undefined) delete process.env.OIDC_ISSUERS;
    else process.env.OIDC_ISSUERS = saved;
    delete process.env.OIDC_JWKS_REFRESH_SECONDS;
  });

  it.each(['ES256', 'RS256', 'PS256', 'EdDSA'])('should accept a client-credentials token signed %s and act for the tenant of its claim', async (alg) => {
    const token = await trusted.clientCredentials('reader', `urn:alert-ledger:${alg}`, 'alerts:read');
    const list = await http<{ items: { id: string }[] }>(api, 'GET', '/v1/alerts', { headers: bearer(token) });
    expect(list.status).toBe(200);
    expect(list.body.items.map((alert) => alert.id)).toEqual([alertOfA]);
  });

  it('should answer GET /v1/me with what the token says: subject, issuer, its times and the mapped scopes', async () => {
    const token = await trusted.clientCredentials('triage', 'urn:alert-ledger:ES256', 'cases:read');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string; exp: number; iat: number; jti: string };
    const me = await http<{ data: Record<string, unknown> }>(api, 'GET', '/v1/me', { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual(
      expect.objectContaining({
        kind: 'jwt',
        subject: claims.sub,
        tenant: expect.objectContaining({ id: tenantB.id }),
        scopes: ['alerts:read', 'alerts:write', 'cases:read'],
        credential: {
          issuer: trusted.issuer,
          token_id: claims.jti,
          issued_at: new Date(claims.iat * 1000).toISOString(),
          expires_at: new Date(claims.exp * 1000).toISOString(),
        },
      }),
    );
  });

  it('should accept an authorization-code token (login and consent at the provider)', async () => {
    const token = await trusted.authorizationCode('web', 'urn:alert-ledger:RS256', 'openid alerts:read');
    const list = await http<{ items: { id: string }[] }>(api, 'GET', '/v1/alerts', { headers: bearer(token) });
    expect(list.status).toBe(200);
    expect(list.body.items.map((alert) => alert.id)).toEqual([alertOfA]);
  });

  it('should grant only the mapped scopes: the provider’s scopes and its groups', async () => {
    const reader = await trusted.clientCredentials('reader', 'urn:alert-ledger:ES256', 'alerts:read');
    const refused = await http(api, 'GET', '/v1/threat-cases', { headers: bearer(reader) });
    expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 403, type: '/problems/missing-scope' });
    const triage = await trusted.clientCredentials('triage', 'urn:alert-ledger:ES256', 'cases:read');
    expect((await http(api, 'GET', '/v1/threat-cases', { headers: bearer(triage) })).status).toBe(200);
    const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/alerts', {
      headers: bearer(triage),
      body: { type: 'malware', source: 'idp-test', title: 'Written through a group', severity: 'low' },
    });
    expect(created.status).toBe(201);
    const listB = await http<{ items: { id: string }[] }>(api, 'GET', '/v1/alerts', { headers: bearer(triage) });
    expect(listB.body.items.map((alert) => alert.id)).toEqual([created.body.data.id]);
  });

  it('should refuse a token of an untrusted issuer, of another audience and an expired one, each with its problem', async () => {
    expect(await problem(await stranger.clientCredentials('reader', 'urn:alert-ledger:ES256'))).toBe('/problems/invalid-issuer');
    expect(await problem(await trusted.clientCredentials('reader', 'urn:other-api', 'alerts:read'))).toBe('/problems/invalid-audience');
    expect(await problem(await trusted.clientCredentials('late', 'urn:alert-ledger:RS256'))).toBe('/problems/token-expired');
  });

  it('should pick up a key rotation without a restart and refuse tokens of the rotated-out key', async () => {
    const before = await trusted.clientCredentials('reader', 'urn:alert-ledger:ES256', 'alerts:read');
    expect((await http(api, 'GET', '/v1/alerts', { headers: bearer(before) })).status).toBe(200);
    await trusted.rotateKeys();
    const after = await trusted.clientCredentials('reader', 'urn:alert-ledger:ES256', 'alerts:read');
    expect((await http(api, 'GET', '/v1/alerts', { headers: bearer(after) })).status).toBe(200);
    expect(await problem(before)).toBe('/problems/unknown-signing-key');
  });
});
