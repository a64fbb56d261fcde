import { generateKeyPairSync, sign } from 'node:crypto';

import { ProblemException } from '@app/common';

import { signHs256 } from '../hs256';
import { JwksCache } from './jwks-cache';
import { JwtVerifier } from './jwt-verifier';

const SECRET = 's'.repeat(40);
const TENANT = 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4';
const NOW = 1_800_000_000;
const claims = { sub: 'user-1', tenant_id: TENANT, scopes: ['alerts:read'], exp: NOW + 60 };

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' };

function rs256(payload: object, kid = 'key-1'): string {
  const head = b64({ alg: 'RS256', typ: 'JWT', kid });
  const body = b64(payload);
  return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
}

async function failure(verifier: JwtVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof ProblemException) return error.problemType.slug;
    throw error;
  }
  throw new Error('token was accepted');
}

describe('JwtVerifier', () => {
  let fetches = 0;
  const fetcher = (async () => {
    fetches++;
    return new Response(JSON.stringify({ keys: [jwk] }), { status: 200 });
  }) as typeof fetch;
  const verifier = new JwtVerifier({ secret: SECRET, issuer: 'https://idp.example', audience: 'alert-ledger', jwks: new JwksCache('http://127.0.0.1/jwks', fetcher), now: () => NOW, maxTtlSeconds: 3600 });
  const good = { ...claims, iss: 'https://idp.example', aud: ['other', 'alert-ledger'] };

  it('should accept an HS256 token with the configured secret and read scopes given as a string', async () => {
    const result = await verifier.verify(signHs256({ ...good, scopes: 'alerts:read alerts:write' }, SECRET));
    expect(result).toEqual({ sub: 'user-1', tenantId: TENANT, scopes: ['alerts:read', 'alerts:write'], jti: undefined });
  });

  it('should accept an RS256 token whose kid is in the JWKS', async () => {
    expect((await verifier.verify(rs256(good))).sub).toBe('user-1');
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
  ])('should refuse with %s', async (slug, token) => {
    expect(await failure(verifier, token)).toBe(slug);
  });

  it.each([
    ['invalid-claims', { ...good, exp: undefined }],
    ['invalid-claims', { ...good, scopes: ['admin'], exp: undefined }],
    ['token-lifetime-too-long', { ...good, iat: NOW - 100, exp: NOW + 3600 }],
    ['token-lifetime-too-long', { ...good, exp: NOW + 3600 + 31 }],
  ])('should require exp within the maximum lifetime of every principal (%s)', async (slug, payload) => {
    expect(await failure(verifier, signHs256(payload, SECRET))).toBe(slug);
    expect(await failure(verifier, rs256(payload))).toBe(slug);
  });

  it('should accept a lifetime of exactly the maximum (exp − iat)', async () => {
    expect((await verifier.verify(signHs256({ ...good, iat: NOW - 600, exp: NOW + 3000 }, SECRET))).sub).toBe('user-1');
  });

  it('should let only development HS256 tokens of non-auditors omit exp when allowed', async () => {
    const development = new JwtVerifier({ secret: SECRET, issuer: null, audience: null, jwks: new JwksCache('http://127.0.0.1/jwks', fetcher), now: () => NOW, maxTtlSeconds: 3600, allowNoExp: true });
    expect((await development.verify(signHs256({ ...claims, exp: undefined }, SECRET))).sub).toBe('user-1');
    expect(await failure(development, rs256({ ...claims, exp: undefined }))).toBe('invalid-claims');
    expect(await failure(development, signHs256({ ...claims, scopes: ['auditor'], exp: undefined }, SECRET))).toBe('invalid-claims');
  });

  it('should tolerate a little clock skew', async () => {
    expect((await verifier.verify(signHs256({ ...good, exp: NOW - 5 }, SECRET))).sub).toBe('user-1');
  });

  it('should never verify an HS256 token with the RSA public key (algorithm confusion)', async () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(await failure(verifier, signHs256(good, pem, { kid: 'key-1' }))).toBe('invalid-signature');
  });

  it('should refetch the JWKS once for an unknown kid, then refuse it', async () => {
    const before = fetches;
    expect(await failure(verifier, rs256(good, 'rotated-away'))).toBe('unknown-signing-key');
    expect(fetches).toBe(before + 1);
  });

  it('should refuse RS256 when no JWKS is configured', async () => {
    const hsOnly = new JwtVerifier({ secret: SECRET, issuer: null, audience: null, jwks: null, now: () => NOW, maxTtlSeconds: 3600 });
    expect(await failure(hsOnly, rs256(claims))).toBe('unsupported-algorithm');
  });
});
