import { createSecretKey, KeyObject } from 'node:crypto';

import { decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify, JWTVerifyOptions, JWTVerifyResult, ProtectedHeaderParameters } from 'jose';

import { authProblem } from '../errors/auth-errors';
import { isScope } from '../scopes';
import { joseFailure } from './jose-failures';
import { ISSUER_ALGORITHMS, OidcIssuer } from './oidc-issuer';
import { AuthProblems } from '../errors/auth-problems';

export interface VerifiedClaims {
  sub: string;
  tenantId: string;
  scopes: string[];
  jti?: string;
  /** The OIDC issuer that signed the token; absent for a token of the HS256 secret. */
  issuer?: string;
  /** `exp` and `iat`, in seconds since the epoch, and `iss`, where the token has them (GET /v1/me answers them). */
  exp?: number;
  iat?: number;
  iss?: string;
}

export interface JwtVerifierOptions {
  secret: string;
  /** The `iss` and `aud` an HS256 token must carry (JWT_ISSUER, JWT_AUDIENCE); null: not checked. */
  issuer: string | null;
  audience: string | null;
  /** The trusted OpenID Connect providers (OIDC_ISSUERS). */
  issuers: readonly OidcIssuer[];
  /** The longest a token may live: exp − iat, or exp − now without iat (JWT_MAX_TTL_SECONDS). */
  maxTtlSeconds: number;
  /** Development only (JWT_ALLOW_NO_EXP): an HS256 token of a non-auditor may omit exp. */
  allowNoExp?: boolean;
  /** Tolerated clock difference for exp and nbf, in seconds. */
  clockToleranceSeconds?: number;
  now?: () => number;
}

/**
 * Verifies an issuer's token. A token without `kid` (or with one several keys share, as during a
 * rotation) matches more than one of the issuer's keys: each is tried in turn, and none verifying is an
 * invalid signature (401), never a failure of ours.
 */
async function verifyWithIssuer(token: string, issuer: OidcIssuer, options: JWTVerifyOptions): Promise<JWTVerifyResult> {
  try {
    return await jwtVerify(token, issuer.key, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw joseFailure(error);
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, options);
      } catch (attempt) {
        if (!(attempt instanceof errors.JWSSignatureVerificationFailed)) throw joseFailure(attempt);
      }
    }
    throw authProblem(AuthProblems.invalidSignature, {}, error);
  }
}

/** How long a verified token is taken on trust before its signature is checked again. */
const REVERIFY_SECONDS = 60;
/** More tokens than a process sees in REVERIFY_SECONDS; past it the memory starts over rather than grow. */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Verifies a bearer JWT through `jose`: HS256 with the configured secret, or an OIDC issuer's token
 * (RS256, PS256, ES256, EdDSA) with that issuer's keys, the issuer chosen by `iss` before anything is
 * fetched. The key source fixes the algorithms, never the token: an HS256 token is never checked
 * against a public key, and a token naming an OIDC issuer is never accepted with the secret. Each way
 * a token can be wrong has its own problem type (jose-failures).
 */
export class JwtVerifier {
  /**
   * HS256 tokens verified lately, by their whole text (signature included), each until it expires (exp
   * plus the clock tolerance, as jose reckons it) or REVERIFY_SECONDS pass, whichever is first: a client
   * sends the same token with each request, and checking its signature again cost about 0.4 ms of every
   * request (docs/BENCHMARKS.md). Only tokens of our own secret, which changes only with a restart: an
   * issuer's token is checked every time, so that a key taken out of its JWKS refuses its tokens at once.
   */
  private readonly verified = new Map<string, { claims: VerifiedClaims; until: number }>();
  private readonly tolerance: number;
  private readonly now: () => number;
  private readonly secret: KeyObject;
  private readonly issuers: ReadonlyMap<string, OidcIssuer>;

  constructor(private readonly options: JwtVerifierOptions) {
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    // Imported once: jose keeps the WebCrypto key of a KeyObject, where raw bytes are imported per token.
    this.secret = createSecretKey(Buffer.from(options.secret));
    this.issuers = new Map(options.issuers.map((issuer) => [issuer.config.issuer, issuer]));
  }

  async verify(token: string): Promise<VerifiedClaims> {
    const known = this.verified.get(token);
    if (known && this.now() < known.until) return known.claims;
    const header = this.header(token);
    if (header.alg === 'HS256') return this.verifyHs256Once(token);
    if (!ISSUER_ALGORITHMS.includes(header.alg as string) || this.issuers.size === 0)
      throw authProblem(AuthProblems.unsupportedAlgorithm, { alg: String(header.alg).slice(0, 20) });
    const issuer = this.issuerOf(token);
    const options = { algorithms: ISSUER_ALGORITHMS, issuer: issuer.config.issuer, audience: issuer.config.audience, requiredClaims: ['exp'], ...this.clock() };
    const { payload } = await verifyWithIssuer(token, issuer, options);
    this.checkLifetime(payload);
    const subject = this.subjectOf(payload);
    const { tenantId, scopes } = issuer.claims(payload);
    return { ...subject, tenantId, scopes, issuer: issuer.config.issuer };
  }

  private header(token: string): ProtectedHeaderParameters {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
      decodeJwt(token);
    } catch (error) {
      throw authProblem(AuthProblems.malformedToken, {}, error);
    }
    if (typeof header.alg !== 'string') throw authProblem(AuthProblems.malformedToken);
    if (header.alg.toLowerCase() === 'none') throw authProblem(AuthProblems.unsignedToken);
    return header;
  }

  /** The trusted issuer the token names (read before its signature is checked, only to choose the keys). */
  private issuerOf(token: string): OidcIssuer {
    const { iss } = decodeJwt(token);
    const issuer = typeof iss === 'string' ? this.issuers.get(iss) : undefined;
    if (!issuer) throw authProblem(AuthProblems.invalidIssuer);
    return issuer;
  }

  private async verifyHs256Once(token: string): Promise<VerifiedClaims> {
    const now = this.now();
    this.verified.delete(token);
    const claims = await this.verifyHs256(token);
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.clear();
    this.verified.set(token, { claims, until: Math.min(now + REVERIFY_SECONDS, (claims.exp ?? Infinity) + this.tolerance) });
    return claims;
  }

  private async verifyHs256(token: string): Promise<VerifiedClaims> {
    const { iss } = decodeJwt(token);
    // An issuer signs with its own keys: an HMAC token naming it was not made by it.
    if (typeof iss === 'string' && this.issuers.has(iss)) throw authProblem(AuthProblems.unsupportedAlgorithm, { alg: 'HS256' });
    const { issuer, audience, allowNoExp } = this.options;
    const options = {
      algorithms: ['HS256'],
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
      requiredClaims: allowNoExp ? [] : ['exp'],
      ...this.clock(),
    };
    const { payload } = await jwtVerify(token, this.secret, options).catch((error: unknown) => Promise.reject(joseFailure(error)));
    this.checkLifetime(payload);
    return this.ownClaims(payload);
  }

  private clock(): { clockTolerance: number; currentDate: Date } {
    return { clockTolerance: this.tolerance, currentDate: new Date(this.now() * 1000) };
  }

  /**
   * Every token expires (docs/API-DECISIONS.md): `exp` at most JWT_MAX_TTL_SECONDS after `iat` (or after
   * now, without `iat`). jose has checked that exp and iat are numbers and exp is not past.
   */
  private checkLifetime(payload: JWTPayload): void {
    const { exp, iat } = payload;
    if (exp === undefined) return;
    const now = this.now();
    if (exp - Math.min(iat ?? now, now) > this.options.maxTtlSeconds + this.tolerance)
      throw authProblem(AuthProblems.tokenLifetimeTooLong, { max_ttl_seconds: this.options.maxTtlSeconds });
  }

  private subjectOf(payload: JWTPayload): Pick<VerifiedClaims, 'sub' | 'jti' | 'exp' | 'iat' | 'iss'> {
    const { sub, jti, exp, iat, iss } = payload;
    if (typeof sub !== 'string' || sub === '' || sub.length > 200) throw authProblem(AuthProblems.invalidClaims, { claim: 'sub' });
    // jose has checked that exp and iat, when present, are numbers.
    return {
      sub,
      jti: typeof jti === 'string' ? jti : undefined,
      ...(exp !== undefined ? { exp } : {}),
      ...(iat !== undefined ? { iat } : {}),
      ...(typeof iss === 'string' ? { iss } : {}),
    };
  }

  /** The claims of a token of our own secret: `tenant_id` and `scopes` (an array or a space-separated string). */
  private ownClaims(payload: JWTPayload): VerifiedClaims {
    const subject = this.subjectOf(payload);
    const { tenant_id: tenantId, scopes } = payload;
    if (typeof tenantId !== 'string' || !/^tnt_[0-9A-Z]{26}$/.test(tenantId)) throw authProblem(AuthProblems.invalidClaims, { claim: 'tenant_id' });
    const list = typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : scopes;
    if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string' && isScope(scope)))
      throw authProblem(AuthProblems.invalidClaims, { claim: 'scopes' });
    // An auditor's credentials expire (docs/API-DECISIONS.md): a development token without exp is refused.
    if (list.includes('auditor') && payload.exp === undefined) throw authProblem(AuthProblems.invalidClaims, { claim: 'exp' });
    return { ...subject, tenantId, scopes: list as string[] };
  }
}
