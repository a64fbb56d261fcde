import { request } from 'node:http';

import { signHs256 } from '@app/auth';
import { Tenant } from '@app/database';

import { http, startApi, TestApi, withApiEnv } from './utils/api';
import { World } from './utils/world';

type Problem = { type: string; i18n_args?: Record<string, unknown> };

/** GET /v1/alerts with an API key, sent from a chosen loopback address. */
function statusFrom(api: TestApi, localAddress: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.baseUrl}/v1/alerts`, { localAddress, headers: { 'x-api-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('authentication hardening', () => {
  const world = new World();
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await world.tenant('Auth hardening');
  });

  afterAll(async () => {
    await world.close();
  });

  describe('token lifetime', () => {
    let api: TestApi;
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (extra: object) => ({ sub: 'alice', tenant_id: tenant.id, scopes: ['alerts:read'], ...extra });

    beforeAll(async () => {
      api = await startApi();
    });

    afterAll(async () => {
      await api.close();
    });

    it.each([
      ['an admin token without exp', 'invalid-claims', () => signHs256(claims({ scopes: ['admin'] }), process.env.JWT_SECRET as string)],
      ['a reader token without exp', 'invalid-claims', () => signHs256(claims({ iat: now() }), process.env.JWT_SECRET as string)],
      [
        'a token living a year',
        'token-lifetime-too-long',
        () => signHs256(claims({ iat: now(), exp: now() + 365 * 86_400 }), process.env.JWT_SECRET as string),
      ],
      [
        'a token without iat expiring in two days',
        'token-lifetime-too-long',
        () => signHs256(claims({ exp: now() + 2 * 86_400 }), process.env.JWT_SECRET as string),
      ],
    ])('should refuse %s with 401 %s', async (_name, slug, token) => {
      const refused = await http<Problem>(api, 'GET', '/v1/alerts', { headers: { authorization: `Bearer ${token()}` } });
      expect({ status: refused.status, type: refused.body.type }).toEqual({ status: 401, type: `/problems/${slug}` });
    });

    it('should accept the CLI’s and the tests’ development tokens, which expire within the maximum', async () => {
      const accepted = await http(api, 'GET', '/v1/alerts', { headers: world.bearer(tenant, ['alerts:read']) });
      expect(accepted.status).toBe(200);
    });
  });

  describe('failed authentication', () => {
    // A prefix of its own: other specs' refused credentials from 127.0.0.1 must not count here.
    const env = (limit: number) => ({
      AUTH_FAILURE_LIMIT_PER_MINUTE: String(limit),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-authfail-${Date.now()}-${limit}`,
    });

    it('should answer 429 with Retry-After past the limit of one address, refusing even a valid credential, and count nothing for public routes', async () => {
      await withApiEnv(env(5), async (api) => {
        for (let i = 0; i < 5; i++) {
          const refused = await http<Problem>(api, 'GET', '/v1/alerts', { headers: { 'x-api-key': `ak_${'x'.repeat(42)}${i}` } });
          expect(refused.status).toBe(401);
        }
        const limited = await http<Problem>(api, 'GET', '/v1/alerts', { headers: { 'x-api-key': `ak_${'y'.repeat(43)}` } });
        expect(limited.status).toBe(429);
        expect(limited.body.type).toBe('/problems/too-many-auth-failures');
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(limited.headers.get('content-type')).toContain('application/problem+json');
        const valid = await http(api, 'GET', '/v1/alerts', { headers: world.bearer(tenant, ['alerts:read']) });
        expect(valid.status).toBe(429);
        const health = await http(api, 'GET', '/health/live');
        expect(health.status).toBe(200);
      });
    });

    it('should count failures per API key prefix as well as per address', async () => {
      await withApiEnv(env(3), async (api) => {
        const prefix = 'ak_Prefix12'; // API_KEY_PREFIX_LENGTH (11) characters
        // Three failures with one prefix from 127.0.0.2: the prefix is spent, 127.0.0.1 has none.
        for (let i = 0; i < 3; i++) expect(await statusFrom(api, '127.0.0.2', `${prefix}${'z'.repeat(35)}${i}`)).toBe(401);
        expect(await statusFrom(api, '127.0.0.1', `${prefix}${'w'.repeat(36)}`)).toBe(429);
        expect(await statusFrom(api, '127.0.0.1', `ak_Another1${'w'.repeat(35)}`)).toBe(401);
      });
    });
  });
});
