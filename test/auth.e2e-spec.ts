import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { signHs256 } from '@app/auth';
import { Tenant } from '@app/database';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SECRET = 'test-jwt-secret-0123456789abcdef0123456789';

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function rs256(claims: object, kid = 'test-key'): string {
  const head = b64({ alg: 'RS256', typ: 'JWT', kid });
  const body = b64(claims);
  return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
}

describe('authentication, scopes and tenancy', () => {
  let api: TestApi;
  let jwks: Server;
  let jwksHits = 0;
  const world = new World();
  let tenantA: Tenant;
  let tenantB: Tenant;
  const now = () => Math.floor(Date.now() / 1000);
  const claimsFor = (tenant: Tenant, extra: object = {}) => ({
    sub: 'alice',
    tenant_id: tenant.id,
    scopes: ['audit:read'],
    iss: 'https://dev.test',
    aud: 'alert-ledger',
    exp: now() + 600,
    ...extra,
  });
  // An OIDC issuer's token: its own `iss`, its scopes space-separated in `scopes` (scope_claims below), the provider's own (openid) ignored.
  const issuerClaims = (tenant: Tenant, extra: object = {}) => ({ ...claimsFor(tenant), scopes: 'openid audit:read', iss: 'https://idp.test', ...extra });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    jwks = createServer((_, res) => {
      jwksHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      JWT_ISSUER: 'https://dev.test',
      JWT_AUDIENCE: 'alert-ledger',
      // A provider without discovery: its JWKS named in the issuer's entry.
      OIDC_ISSUERS: JSON.stringify([
        {
          issuer: 'https://idp.test',
          audience: 'alert-ledger',
          jwks_uri: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
          tenant_claim: 'tenant_id',
          scope_claims: ['scopes'],
        },
      ]),
    });
    api = await startApi();
    [tenantA, tenantB] = await Promise.all([world.tenant('Alpha'), world.tenant('Bravo')]);
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    jwks.close();
  });

  async function expectProblem(headers: Record<string, string>, status: number, slug: string, path = '/v1/audit-trail'): Promise<Record<string, unknown>> {
    const result = await http(api, 'GET', path, { headers });
    expect({ status: result.status, type: result.body.type }).toEqual({ status, type: `/problems/${slug}` });
    return result.body;
  }

  it('should answer 401 missing-credential without any credential, with WWW-Authenticate', async () => {
    const result = await http(api, 'GET', '/v1/audit-trail');
    expect(result.status).toBe(401);
    expect(result.body.type).toBe('/problems/missing-credential');
    expect(result.body.code).toBe(10010001);
    expect(result.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('should answer 401 malformed-authorization for a header that is not Bearer <token>', async () => {
    await expectProblem({ authorization: 'Basic YWxpY2U6c2VjcmV0' }, 401, 'malformed-authorization');
    await expectProblem({ authorization: 'Bearer' }, 401, 'malformed-authorization');
  });

  it.each([
    ['malformed-token', () => 'not.a.jwt'],
    ['unsigned-token', () => `${b64({ alg: 'none' })}.${b64(claimsFor(tenantA))}.`],
    ['unsupported-algorithm', () => `${b64({ alg: 'HS384' })}.${b64(claimsFor(tenantA))}.c2ln`],
    ['invalid-signature', () => signHs256(claimsFor(tenantA), 'some-other-secret-0123456789abcdef')],
    ['token-expired', () => signHs256(claimsFor(tenantA, { exp: now() - 3600 }), SECRET)],
    ['token-not-yet-valid', () => signHs256(claimsFor(tenantA, { nbf: now() + 3600 }), SECRET)],
    ['invalid-issuer', () => signHs256(claimsFor(tenantA, { iss: 'https://evil.test' }), SECRET)],
    ['invalid-audience', () => signHs256(claimsFor(tenantA, { aud: 'another-api' }), SECRET)],
    ['invalid-claims', () => signHs256(claimsFor(tenantA, { scopes: ['audit:read', 'superuser'] }), SECRET)],
    ['unknown-signing-key', () => rs256(issuerClaims(tenantA), 'retired-key')],
    ['invalid-issuer', () => rs256(issuerClaims(tenantA, { iss: 'https://evil.test' }))],
    ['unsupported-algorithm', () => signHs256(issuerClaims(tenantA), SECRET)],
  ])('should answer 401 %s with its own code', async (slug, token) => {
    const body = await expectProblem(bearer(token()), 401, slug);
    expect(String(body.code)).toMatch(/^1001\d{4}$/);
  });

  it('should accept HS256 and an issuer’s RS256 tokens, fetching the JWKS once and caching it', async () => {
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: bearer(signHs256(claimsFor(tenantA), SECRET)) })).status).toBe(200);
    const before = jwksHits;
    for (let i = 0; i < 3; i++) expect((await http(api, 'GET', '/v1/audit-trail', { headers: bearer(rs256(issuerClaims(tenantA))) })).status).toBe(200);
    expect(jwksHits - before).toBeLessThanOrEqual(1);
  });

  it('should refuse unknown, revoked and expired API keys, each with its own problem', async () => {
    await expectProblem({ 'x-api-key': `ak_${'x'.repeat(43)}` }, 401, 'invalid-api-key');
    const revoked = await world.apiKey(tenantA, ['audit:read']);
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: revoked.headers })).status).toBe(200);
    await world.apiKeys.revoke(revoked.id);
    await expectProblem(revoked.headers, 401, 'revoked-api-key');
    const expired = await world.apiKey(tenantA, ['audit:read'], new Date(Date.now() - 1000));
    await expectProblem(expired.headers, 401, 'expired-api-key');
  });

  it('should read a bearer token repeated in X-API-Key once (hey-api’s auth callback), and a different X-API-Key instead of the token', async () => {
    const token = signHs256(claimsFor(tenantA), SECRET);
    expect((await http(api, 'GET', '/v1/audit-trail', { headers: { ...bearer(token), 'x-api-key': token } })).status).toBe(200);
    await expectProblem({ ...bearer(token), 'x-api-key': `ak_${'x'.repeat(43)}` }, 401, 'invalid-api-key');
    await expectProblem({ ...bearer(token), 'x-api-key': signHs256(claimsFor(tenantA), 'another-secret-0123456789abcdef0123456789') }, 401, 'invalid-api-key');
    // The key's scopes are the request's, never the token's beside it.
    const key = await world.apiKey(tenantA, ['alerts:read']);
    await expectProblem({ ...bearer(token), ...key.headers }, 403, 'missing-scope');
  });

  it('should record when an API key was last used', async () => {
    const key = await world.apiKey(tenantA, ['audit:read']);
    await http(api, 'GET', '/v1/audit-trail', { headers: key.headers });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = await world.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(stored.lastUsedAt).not.toBeNull();
    expect(stored.hash).not.toContain(key.headers['x-api-key']);
  });

  it('should answer 403 naming the scope a credential lacks', async () => {
    const body = await expectProblem(world.bearer(tenantA, ['alerts:read']), 403, 'missing-scope');
    expect(body.i18n_args).toEqual({ scope: 'audit:read' });
    expect(body.detail).toBe('This operation needs the scope audit:read.');
    const created = await http(api, 'POST', '/v1/tenants', {
      body: { name: 'X', slug: 'nope' },
      headers: world.bearer(tenantA, ['audit:read', 'alerts:write']),
    });
    expect(created.body.i18n_args).toEqual({ scope: 'admin' });
  });

  it('should show a tenant only itself: another tenant is 404 and lists are its own', async () => {
    const a = world.bearer(tenantA, ['audit:read']);
    expect((await http(api, 'GET', `/v1/tenants/${tenantA.id}`, { headers: a })).status).toBe(200);
    const other = await http(api, 'GET', `/v1/tenants/${tenantB.id}`, { headers: a });
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('/problems/resource-not-found');
    const list = await http<{ items: { id: string }[]; total: number }>(api, 'GET', '/v1/tenants', { headers: a });
    expect(list.body.items.map((t) => t.id)).toEqual([tenantA.id]);
    expect(list.body.total).toBe(1);
  });

  it('should keep each tenant’s audit trail to itself, and let admin read across tenants and filter one', async () => {
    await http(api, 'GET', '/v1/audit-trail', { headers: world.bearer(tenantB, ['audit:read'], 'bob') });
    const trailA = await http<{ items: { tenant_id: string; actor: string }[] }>(api, 'GET', '/v1/audit-trail?page_size=200', {
      headers: world.bearer(tenantA, ['audit:read']),
    });
    expect(trailA.body.items.length).toBeGreaterThan(0);
    expect(new Set(trailA.body.items.map((e) => e.tenant_id))).toEqual(new Set([tenantA.id]));
    const admin = await world.admin();
    const all = await http<{ items: { tenant_id: string }[] }>(api, 'GET', '/v1/audit-trail?page_size=200', { headers: admin });
    expect(new Set(all.body.items.map((e) => e.tenant_id)).size).toBeGreaterThan(1);
    const onlyB = await http<{ items: { tenant_id: string; actor: string }[] }>(api, 'GET', `/v1/audit-trail?tenant_id=${tenantB.id}`, { headers: admin });
    expect(onlyB.body.items.length).toBeGreaterThan(0);
    expect(onlyB.body.items.every((e) => e.tenant_id === tenantB.id)).toBe(true);
    // a tenant principal's tenant_id filter is refused (400), never ignored: it can neither widen nor quietly drop the view
    const sneaky = await http<{ errors: { field: string; code: string }[] }>(api, 'GET', `/v1/audit-trail?tenant_id=${tenantB.id}`, {
      headers: world.bearer(tenantA, ['audit:read']),
    });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.errors).toEqual([expect.objectContaining({ field: 'tenant_id', code: 'unknown' })]);
  });

  it('should send security headers on every response', async () => {
    const result = await http(api, 'GET', '/health/live');
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    expect(result.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(result.headers.get('strict-transport-security')).toContain('max-age=');
    expect(result.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('should keep the API routes’ policy as strict as before helmet, and drop only upgrade-insecure-requests for Swagger UI', async () => {
    const strict =
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests";
    const headers = (await http(api, 'GET', '/v1/audit-trail', { headers: bearer(signHs256(claimsFor(tenantA), SECRET)) })).headers;
    expect(
      Object.fromEntries(
        [
          'content-security-policy',
          'cross-origin-opener-policy',
          'cross-origin-resource-policy',
          'origin-agent-cluster',
          'referrer-policy',
          'strict-transport-security',
          'x-content-type-options',
          'x-dns-prefetch-control',
          'x-download-options',
          'x-frame-options',
          'x-permitted-cross-domain-policies',
          'x-xss-protection',
        ].map((name) => [name, headers.get(name)]),
      ),
    ).toEqual({
      'content-security-policy': strict,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    for (const path of ['/docs', '/docs/swagger-ui-init.js']) {
      expect((await http(api, 'GET', path)).headers.get('content-security-policy')).toBe(strict.replace(';upgrade-insecure-requests', ''));
    }
  });

  it('should declare both security schemes and the scopes of each operation in OpenAPI', async () => {
    const doc = (
      await http<{ components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, Record<string, unknown>>> }>(
        api,
        'GET',
        '/openapi.json',
      )
    ).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api_key', 'bearer']);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const declared = op['x-public'] === true || (Array.isArray(op['x-required-scopes']) && Array.isArray(op.security));
        expect({ op: `${method} ${path}`, declared }).toEqual({ op: `${method} ${path}`, declared: true });
      }
    }
    expect(doc.paths['/v1/audit-trail'].get['x-required-scopes']).toEqual(['audit:read']);
  });
});
