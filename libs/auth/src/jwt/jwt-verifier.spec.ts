import { generateKeyPairSync, KeyObject } from 'node:crypto';

import { SignJWT } from 'jose';

import { ProblemException } from '@app/common';
import { OidcIssuerConfig } from '@app/config';

import { signHs256 } from '../hs256';
import { JwtVerifier } from './jwt-verifier';
import { OidcIssuer } from './oidc-issuer';

const SECRET = 's'.repeat(40);
const TENANT = 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4';
const NOW = Math.floor(Date.now() / 1000);
const ISSUER = 'https://idp.example';
const claims = { sub: 'user-1', tenant_id: TENANT, scopes: ['alerts:read'], exp: NOW + 60 };

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const jwks = {
  keys: [
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-ps', use: 'sig', alg: 'PS256' },
    { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' },
    { ...ed.publicKey.export({ format: 'jwk' }), kid: 'ed-1', use: 'sig', alg: 'EdDSA' },
  ],
};

function sign(payload: Record<string, unknown>, alg = 'RS256', kid = 'rsa-1', key: KeyObject = rsa.privateKey): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(key);
}

async function failure(verifier: JwtVerifier, token: string | Promise<string>): Promise<string> {
  try {
    await verifier.verify(await token);
  } catch (error) {
    if (error instanceof ProblemException) return error.problemType.slug;
    throw error;
  }
  throw new Error('token was accepted');
}

/** A provider's discovery document and JWKS, counting the fetches of each. */
function provider(issuer = ISSUER): { fetcher: typeof fetch; fetches: { discovery: number; jwks: number } } {
  const fetches = { discovery: 0, jwks: 0 };
  const fetcher = (async (url: string | URL) => {
    if (String(url).endsWith('/.well-known/openid-configuration')) {
      fetches.discovery++;
      return Response.json({ issuer, jwks_uri: 'https://idp.example/keys' });
    }
    fetches.jwks++;
    return Response.json(jwks);
  }) as typeof fetch;
  return { fetcher, fetches };
}

const issuerConfig: OidcIssuerConfig = {
  issuer: ISSUER,
  audience: 'alert-ledger',
  jwksUri: null,
  tenantClaim: 'tenant_id',
  tenant: null,
  scopeClaims: ['scopes'],
  scopeMap: null,
};

function verifierWith(
  config: Partial<OidcIssuerConfig> = {},
  refreshSeconds = 0,
  fetcher = provider().fetcher,
  extra: Partial<ConstructorParameters<typeof JwtVerifier>[0]> = {},
): JwtVerifier {
  const issuers = [new OidcIssuer({ ...issuerConfig, ...config }, refreshSeconds, fetcher)];
  return new JwtVerifier({ secret: SECRET, issuer: ISSUER, audience: 'alert-ledger', issuers, now: () => NOW, maxTtlSeconds: 3600, ...extra });
}

describe('JwtVerifier', () => {
  const verifier = verifierWith();
  const good = { ...claims, iss: ISSUER, aud: ['other', 'alert-ledger'] };
  const hsOnly = new JwtVerifier({ secret: SECRET, issuer: ISSUER, audience: 'alert-ledger', issuers: [], now: () => NOW, maxTtlSeconds: 3600 });

  it('should accept an HS256 token with the configured secret and read scopes given as a string', async () => {
    const result = await hsOnly.verify(signHs256({ ...good, scopes: 'alerts:read alerts:write' }, SECRET));
    expect(result).toEqual({ sub: 'user-1', tenantId: TENANT, scopes: ['alerts:read', 'alerts:write'], jti: undefined, exp: NOW + 60, iss: ISSUER });
  });

  it.each([
    ['RS256', 'rsa-1', rsa.privateKey],
    ['PS256', 'rsa-ps', rsa.privateKey],
    ['ES256', 'ec-1', ec.privateKey],
    ['EdDSA', 'ed-1', ed.privateKey],
  ])('should accept an issuer token signed %s with the key its kid names', async (alg, kid, key) => {
    expect(await verifier.verify(await sign(good, alg, kid, key))).toEqual({
      sub: 'user-1',
      tenantId: TENANT,
      scopes: ['alerts:read'],
      jti: undefined,
      issuer: ISSUER,
      iss: ISSUER,
      exp: NOW + 60,
    });
  });

  it.each([
    ['malformed-token', 'abc.def'],
    ['malformed-token', 'a.b.c'],
    ['unsigned-token', `${b64({ alg: 'none' })}.${b64(good)}.`],
    ['unsupported-algorithm', `${b64({ alg: 'HS512' })}.${b64(good)}.c2ln`],
    ['invalid-signature', signHs256(good, 'another-secret-that-is-long-enough-000')],
    ['token-expired', signHs256({ ...good, exp: NOW - 31 }, SECRET)],
    ['token-not-yet-valid', signHs256({ ...good, nbf: NOW + 31 }, SECRET)],
    ['invalid-issuer', signHs256({ ...good, iss: 'https://evil.example' }, SECRET)],
    ['invalid-audience', signHs256({ ...good, aud: 'someone-else' }, SECRET)],
    ['invalid-claims', signHs256({ ...good, tenant_id: 'acme' }, SECRET)],
    ['invalid-claims', signHs256({ ...good, scopes: ['alerts:read', 'root'] }, SECRET)],
    ['invalid-claims', signHs256({ ...good, scopes: ['auditor'], exp: undefined }, SECRET)],
    ['invalid-claims', signHs256({ ...good, exp: 'tomorrow' as unknown as number }, SECRET)],
  ])('should refuse an HS256 token with %s', async (slug, token) => {
    expect(await failure(hsOnly, token)).toBe(slug);
  });

  it('should check an HS256 token’s signature once a minute at most, and its expiry on every use', async () => {
    let now = NOW;
    const clocked = new JwtVerifier({ secret: SECRET, issuer: ISSUER, audience: 'alert-ledger', issuers: [], now: () => now, maxTtlSeconds: 3600 });
    const checked = jest.spyOn(clocked as unknown as { verifyHs256(token: string): Promise<unknown> }, 'verifyHs256');
    const token = signHs256({ ...good, exp: NOW + 100 }, SECRET);
    const expected = expect.objectContaining({ sub: 'user-1', tenantId: TENANT, exp: NOW + 100 });
    await expect(clocked.verify(token)).resolves.toEqual(expected);
    now = NOW + 59;
    await expect(clocked.verify(token)).resolves.toEqual(expected);
    expect(checked).toHaveBeenCalledTimes(1);
    now = NOW + 60;
    await expect(clocked.verify(token)).resolves.toEqual(expected);
    expect(checked).toHaveBeenCalledTimes(2);
    // At exp and the clock tolerance the remembered verdict no longer holds, within the minute too.
    now = NOW + 129;
    await expect(clocked.verify(token)).resolves.toEqual(expected);
    expect(checked).toHaveBeenCalledTimes(3);
    now = NOW + 130;
    expect(await failure(clocked, token)).toBe('token-expired');
    // A token differing only in its signature is checked, not taken for the one remembered.
    expect(await failure(clocked, `${token.slice(0, -2)}AA`)).toBe('invalid-signature');
  });

  it('should check a development token without exp again every minute', async () => {
    let now = NOW;
    const clocked = new JwtVerifier({ secret: SECRET, issuer: null, audience: null, issuers: [], now: () => now, maxTtlSeconds: 3600, allowNoExp: true });
    const checked = jest.spyOn(clocked as unknown as { verifyHs256(token: string): Promise<unknown> }, 'verifyHs256');
    const token = signHs256({ sub: 'dev', tenant_id: TENANT, scopes: ['alerts:read'] }, SECRET);
    for (const at of [NOW, NOW + 59, NOW + 60, NOW + 3600]) {
      now = at;
      await expect(clocked.verify(token)).resolves.toEqual(expect.objectContaining({ sub: 'dev', tenantId: TENANT }));
    }
    expect(checked).toHaveBeenCalledTimes(3);
  });

  it.each([
    ['invalid-signature', sign(good, 'RS256', 'rsa-1', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
    ['token-expired', sign({ ...good, exp: NOW - 31 })],
    ['token-not-yet-valid', sign({ ...good, nbf: NOW + 31 })],
    ['invalid-issuer', sign({ ...good, iss: 'https://evil.example' })],
    ['invalid-issuer', sign({ ...good, iss: undefined })],
    ['invalid-audience', sign({ ...good, aud: 'someone-else' })],
    ['invalid-claims', sign({ ...good, sub: undefined })],
    ['invalid-claims', sign({ ...good, tenant_id: 'acme' })],
    ['unknown-signing-key', sign(good, 'RS256', 'rotated-away')],
    ['unsupported-algorithm', sign(good, 'RS384')],
  ])('should refuse an issuer token with %s', async (slug, token) => {
    expect(await failure(verifier, token)).toBe(slug);
  });

  it('should never accept an HMAC token naming an OIDC issuer, even signed with the secret', async () => {
    expect(await failure(verifier, signHs256(good, SECRET))).toBe('unsupported-algorithm');
  });

  it('should refuse asymmetric tokens when no issuer is configured', async () => {
    expect(await failure(hsOnly, sign(good))).toBe('unsupported-algorithm');
  });

  it('should never verify an HS256 token with the RSA public key (algorithm confusion)', async () => {
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(await failure(hsOnly, signHs256(good, pem, { kid: 'rsa-1' }))).toBe('invalid-signature');
  });

  it.each([
    ['invalid-claims', { ...good, exp: undefined }],
    ['invalid-claims', { ...good, scopes: ['admin'], exp: undefined }],
    ['token-lifetime-too-long', { ...good, iat: NOW - 100, exp: NOW + 3600 }],
    ['token-lifetime-too-long', { ...good, exp: NOW + 3600 + 31 }],
  ])('should require exp within the maximum lifetime of every principal (%s)', async (slug, payload) => {
    expect(await failure(hsOnly, signHs256(payload, SECRET))).toBe(slug);
    expect(await failure(verifier, sign(payload))).toBe(slug);
  });

  it('should accept a lifetime of exactly the maximum (exp − iat)', async () => {
    expect((await hsOnly.verify(signHs256({ ...good, iat: NOW - 600, exp: NOW + 3000 }, SECRET))).sub).toBe('user-1');
  });

  it('should let only development HS256 tokens of non-auditors omit exp when allowed', async () => {
    const development = verifierWith({}, 0, provider().fetcher, { issuer: null, audience: null, allowNoExp: true });
    expect((await development.verify(signHs256({ ...claims, exp: undefined }, SECRET))).sub).toBe('user-1');
    expect(await failure(development, sign({ ...good, exp: undefined }))).toBe('invalid-claims');
    expect(await failure(development, signHs256({ ...claims, scopes: ['auditor'], exp: undefined }, SECRET))).toBe('invalid-claims');
  });

  it('should tolerate a little clock skew', async () => {
    expect((await hsOnly.verify(signHs256({ ...good, exp: NOW - 5 }, SECRET))).sub).toBe('user-1');
  });

  it('should read scopes from scope or scp and keep only ours, or map roles and groups when a map is configured', async () => {
    const plain = verifierWith({ scopeClaims: ['scope', 'scp'] });
    expect((await plain.verify(await sign({ ...good, scopes: undefined, scope: 'openid alerts:read profile' }))).scopes).toEqual(['alerts:read']);
    expect((await plain.verify(await sign({ ...good, scopes: undefined, scp: ['cases:read'] }))).scopes).toEqual(['cases:read']);
    const mapped = verifierWith({
      scopeClaims: ['realm_access.roles', 'groups'],
      scopeMap: { 'alert-admins': ['alerts:read', 'alerts:write'], auditors: ['auditor'] },
    });
    const token = await sign({ ...good, scopes: undefined, realm_access: { roles: ['alert-admins', 'offline_access'] }, groups: ['auditors'] });
    expect((await mapped.verify(token)).scopes).toEqual(['alerts:read', 'alerts:write', 'auditor']);
  });

  it('should grant admin from an issuer only where its scope map names it, never from a claim as it stands', async () => {
    const plain = verifierWith({ scopeClaims: ['scope', 'roles'] });
    const claimed = await sign({ ...good, scopes: undefined, scope: 'admin alerts:read', roles: 'Tenant admin' });
    expect((await plain.verify(claimed)).scopes).toEqual(['alerts:read']);
    const mapped = verifierWith({ scopeClaims: ['roles'], scopeMap: { 'platform-operators': ['admin'] } });
    expect((await mapped.verify(await sign({ ...good, scopes: undefined, roles: ['platform-operators'] }))).scopes).toEqual(['admin']);
  });

  it('should take the tenant from the configured claim, or the fixed tenant', async () => {
    const nested = verifierWith({ tenantClaim: 'ext.tenant' });
    expect((await nested.verify(await sign({ ...good, tenant_id: undefined, ext: { tenant: TENANT } }))).tenantId).toBe(TENANT);
    const fixed = verifierWith({ tenantClaim: null, tenant: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R5' });
    expect((await fixed.verify(await sign({ ...good, tenant_id: undefined }))).tenantId).toBe('tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R5');
  });

  it('should refuse a scope map naming scopes we do not have at start', () => {
    expect(() => verifierWith({ scopeMap: { admins: ['root'] } })).toThrow('names unknown scopes: root');
  });

  it('should discover the keys once, and fetch them again for an unknown kid only after the refresh interval', async () => {
    const { fetcher, fetches } = provider();
    const limited = verifierWith({}, 30, fetcher);
    await limited.verify(await sign(good));
    await limited.verify(await sign(good, 'ES256', 'ec-1', ec.privateKey));
    expect(fetches).toEqual({ discovery: 1, jwks: 1 });
    expect(await failure(limited, sign(good, 'RS256', 'rotated-in'))).toBe('unknown-signing-key');
    expect(await failure(limited, sign(good, 'RS256', 'rotated-in-too'))).toBe('unknown-signing-key');
    expect(fetches).toEqual({ discovery: 1, jwks: 1 });
    const eager = provider();
    const unlimited = verifierWith({}, 0, eager.fetcher);
    await unlimited.verify(await sign(good));
    expect(await failure(unlimited, sign(good, 'RS256', 'rotated-in'))).toBe('unknown-signing-key');
    expect(eager.fetches).toEqual({ discovery: 1, jwks: 2 });
  });

  it('should answer jwks-unavailable when discovery names another issuer or the keys cannot be fetched', async () => {
    expect(await failure(verifierWith({}, 0, provider('https://impostor.example').fetcher), sign(good))).toBe('jwks-unavailable');
    const down = (async () => new Response('down', { status: 503 })) as typeof fetch;
    expect(await failure(verifierWith({ jwksUri: 'https://idp.example/keys' }, 0, down), sign(good))).toBe('jwks-unavailable');
  });

  it('should try each key when a token without kid matches several, and answer 401 when none verifies', async () => {
    const second = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const twoKeys = { keys: [rsa, second].map((pair, i) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid: `rot-${i}`, use: 'sig', alg: 'RS256' })) };
    const fetcher = (async (url: string | URL) =>
      String(url).endsWith('/.well-known/openid-configuration')
        ? Response.json({ issuer: ISSUER, jwks_uri: 'https://idp.example/keys' })
        : Response.json(twoKeys)) as typeof fetch;
    const rotating = verifierWith({}, 0, fetcher);
    const noKid = (key: KeyObject) => new SignJWT({ ...good }).setProtectedHeader({ alg: 'RS256' }).sign(key);
    expect(await rotating.verify(await noKid(second.privateKey))).toEqual(expect.objectContaining({ tenantId: TENANT, issuer: ISSUER }));
    expect(await failure(rotating, noKid(stranger.privateKey))).toBe('invalid-signature');
  });
});
