import { createHmac, timingSafeEqual, verify as verifySignature } from 'node:crypto';

import { ProblemTypes } from '@app/common';

import { authProblem } from '../auth-problems';
import { isScope } from '../scopes';
import { JwksCache } from './jwks-cache';

export interface VerifiedClaims {
  sub: string;
  tenantId: string;
  scopes: string[];
  jti?: string;
}

export interface JwtVerifierOptions {
  secret: string;
  issuer: string | null;
  audience: string | null;
  jwks: JwksCache | null;
  /** The longest a token may live: exp − iat, or exp − now without iat (JWT_MAX_TTL_SECONDS). */
  maxTtlSeconds: number;
  /** Development only (JWT_ALLOW_NO_EXP): an HS256 token of a non-auditor may omit exp. */
  allowNoExp?: boolean;
  /** Tolerated clock difference for exp and nbf, in seconds. */
  clockToleranceSeconds?: number;
  now?: () => number;
}

interface Header {
  alg?: unknown;
  kid?: unknown;
  typ?: unknown;
}

function decodePart<T>(part: string): T {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw authProblem(ProblemTypes.malformedToken);
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch (error) {
    throw authProblem(ProblemTypes.malformedToken, {}, error);
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/**
 * Verifies a bearer JWT: HS256 with the configured secret, or RS256 with a key from the JWKS (chosen
 * by `kid`). Each way a token can be wrong has its own problem type, checked in this order: shape,
 * algorithm, signature, time, issuer, audience, claims. The algorithm is fixed by the key source, never
 * by the token: an HS256 token is never checked against an RSA public key.
 */
export class JwtVerifier {
  private readonly tolerance: number;
  private readonly now: () => number;

  constructor(private readonly options: JwtVerifierOptions) {
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async verify(token: string): Promise<VerifiedClaims> {
    const parts = token.split('.');
    if (parts.length !== 3) throw authProblem(ProblemTypes.malformedToken);
    const [headerPart, payloadPart, signaturePart] = parts;
    const header = decodePart<Header>(headerPart);
    const claims = decodePart<Record<string, unknown>>(payloadPart);
    if (typeof header.alg !== 'string') throw authProblem(ProblemTypes.malformedToken);
    if (header.alg.toLowerCase() === 'none') throw authProblem(ProblemTypes.unsignedToken);
    if (!/^[A-Za-z0-9_-]+$/.test(signaturePart)) throw authProblem(ProblemTypes.malformedToken);
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');

    if (header.alg === 'HS256') {
      const expected = createHmac('sha256', this.options.secret).update(signed).digest();
      if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw authProblem(ProblemTypes.invalidSignature);
    } else if (header.alg === 'RS256' && this.options.jwks) {
      const key = await this.options.jwks.key(typeof header.kid === 'string' ? header.kid : undefined);
      if (!verifySignature('RSA-SHA256', signed, key, signature)) throw authProblem(ProblemTypes.invalidSignature);
    } else {
      throw authProblem(ProblemTypes.unsupportedAlgorithm, { alg: header.alg.slice(0, 20) });
    }

    this.checkTime(claims, header.alg === 'HS256');
    this.checkIssuerAndAudience(claims);
    return this.readClaims(claims);
  }

  /**
   * Every token expires (docs/API-DECISIONS.md): `exp` is required and at most JWT_MAX_TTL_SECONDS after
   * `iat` (or after now, without `iat`). Only a development HS256 token may omit it, when
   * JWT_ALLOW_NO_EXP is set (NODE_ENV=development only); an auditor's never (readClaims).
   */
  private checkTime(claims: Record<string, unknown>, hs256: boolean): void {
    const now = this.now();
    for (const name of ['exp', 'nbf', 'iat']) {
      if (claims[name] !== undefined && (typeof claims[name] !== 'number' || !Number.isFinite(claims[name]))) throw authProblem(ProblemTypes.invalidClaims, { claim: name });
    }
    const exp = claims.exp as number | undefined;
    const nbf = claims.nbf as number | undefined;
    const iat = claims.iat as number | undefined;
    if (exp === undefined && !(hs256 && this.options.allowNoExp)) throw authProblem(ProblemTypes.invalidClaims, { claim: 'exp' });
    if (exp !== undefined && now - this.tolerance >= exp) throw authProblem(ProblemTypes.tokenExpired, { expired_at: iso(exp) });
    if (exp !== undefined && exp - Math.min(iat ?? now, now) > this.options.maxTtlSeconds + this.tolerance) throw authProblem(ProblemTypes.tokenLifetimeTooLong, { max_ttl_seconds: this.options.maxTtlSeconds });
    if (nbf !== undefined && now + this.tolerance < nbf) throw authProblem(ProblemTypes.tokenNotYetValid, { not_before: iso(nbf) });
  }

  private checkIssuerAndAudience(claims: Record<string, unknown>): void {
    const { issuer, audience } = this.options;
    if (issuer && claims.iss !== issuer) throw authProblem(ProblemTypes.invalidIssuer);
    if (audience) {
      const aud = claims.aud;
      const audiences = Array.isArray(aud) ? aud : [aud];
      if (!audiences.includes(audience)) throw authProblem(ProblemTypes.invalidAudience);
    }
  }

  private readClaims(claims: Record<string, unknown>): VerifiedClaims {
    const { sub, tenant_id: tenantId, scopes, jti } = claims;
    if (typeof sub !== 'string' || sub === '' || sub.length > 200) throw authProblem(ProblemTypes.invalidClaims, { claim: 'sub' });
    if (typeof tenantId !== 'string' || !/^tnt_[0-9A-Z]{26}$/.test(tenantId)) throw authProblem(ProblemTypes.invalidClaims, { claim: 'tenant_id' });
    const list = typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : scopes;
    if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string' && isScope(scope))) {
      throw authProblem(ProblemTypes.invalidClaims, { claim: 'scopes' });
    }
    // An auditor's credentials expire (docs/API-DECISIONS.md): a token without exp is refused.
    if (list.includes('auditor') && typeof claims.exp !== 'number') throw authProblem(ProblemTypes.invalidClaims, { claim: 'exp' });
    return { sub, tenantId, scopes: list as string[], jti: typeof jti === 'string' ? jti : undefined };
  }
}
