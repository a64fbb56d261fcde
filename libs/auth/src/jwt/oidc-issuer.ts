import { createRemoteJWKSet, customFetch, errors, JWSHeaderParameters, JWTPayload, FlattenedJWSInput, KeyObject, CryptoKey } from 'jose';

import { OidcIssuerConfig } from '@app/config';

import { authProblem } from '../errors/auth-errors';
import { isScope } from '../scopes';
import { AuthProblems } from '../errors/auth-problems';

/** The signing algorithms an issuer's token may use: asymmetric only, never `none` or HMAC. */
export const ISSUER_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

const ADMIN_SCOPE = 'admin';
const FETCH_TIMEOUT_MS = 5_000;
/** Keys are fetched again after this long even when every kid is known (a revoked key leaves). */
const KEYS_MAX_AGE_MS = 10 * 60_000;
/** A failed discovery is not tried again for this long: a provider that is down is not asked per request. */
const DISCOVERY_RETRY_MS = 5_000;

export interface IssuerClaims {
  tenantId: string;
  scopes: string[];
}

type KeyFunction = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey | KeyObject | Uint8Array>;

function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function values(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  return Array.isArray(claim) ? claim.filter((value): value is string => typeof value === 'string') : [];
}

/**
 * One trusted OpenID Connect provider: its keys found through discovery
 * (`<issuer>/.well-known/openid-configuration`, or the configured `jwks_uri`) and kept by jose's remote
 * JWK set, which fetches them again after KEYS_MAX_AGE_MS, or for a token whose `kid` it does not know,
 * at most once every `refreshSeconds`; and the mapping of its claims to our tenant and scopes.
 */
export class OidcIssuer {
  private keySet: Promise<KeyFunction> | null = null;
  private failedAt = 0;

  constructor(
    readonly config: OidcIssuerConfig,
    private readonly refreshSeconds: number,
    private readonly fetcher: typeof fetch = fetch,
  ) {
    const unknown = Object.values(config.scopeMap ?? {})
      .flat()
      .filter((scope) => !isScope(scope));
    if (unknown.length) throw new Error(`OIDC_ISSUERS: the scope_map of ${config.issuer} names unknown scopes: ${unknown.join(', ')}`);
  }

  /** jose's key function for this issuer's tokens. */
  readonly key: KeyFunction = async (header, token) => {
    const keys = await this.keys();
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw authProblem(AuthProblems.unknownSigningKey, { kid: header.kid ?? '(none)' }, error);
      if (error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      throw authProblem(AuthProblems.jwksUnavailable, {}, error);
    }
  };

  /** The tenant and scopes a verified token of this issuer acts with. */
  claims(payload: JWTPayload): IssuerClaims {
    const { tenant, tenantClaim, scopeClaims, scopeMap } = this.config;
    const tenantId = tenant ?? claimAt(payload, tenantClaim as string);
    if (typeof tenantId !== 'string' || !/^tnt_[0-9A-Z]{26}$/.test(tenantId)) throw authProblem(AuthProblems.invalidClaims, { claim: tenantClaim as string });
    const granted = scopeClaims.flatMap((claim) => values(claimAt(payload, claim)));
    // Providers add scopes of their own (openid, profile, offline_access): only ours, or the mapped ones, count.
    // `admin` crosses every tenant: it is granted only where the operator's scope_map names it, never
    // because a claim happens to hold the word (a user-editable attribute, a role called "admin").
    const scopes = scopeMap
      ? granted.flatMap((value) => (Object.hasOwn(scopeMap, value) ? scopeMap[value] : []))
      : granted.filter((value) => isScope(value) && value !== ADMIN_SCOPE);
    return { tenantId, scopes: [...new Set(scopes)] };
  }

  private keys(): Promise<KeyFunction> {
    if (!this.keySet && Date.now() - this.failedAt < DISCOVERY_RETRY_MS) return Promise.reject(authProblem(AuthProblems.jwksUnavailable));
    this.keySet ??= this.discover().then(
      (jwksUri) =>
        createRemoteJWKSet(new URL(jwksUri), {
          timeoutDuration: FETCH_TIMEOUT_MS,
          cacheMaxAge: KEYS_MAX_AGE_MS,
          cooldownDuration: this.refreshSeconds * 1000,
          [customFetch]: this.fetcher,
        }),
      (error: unknown) => {
        this.keySet = null;
        this.failedAt = Date.now();
        throw authProblem(AuthProblems.jwksUnavailable, {}, error);
      },
    );
    return this.keySet;
  }

  /** The JWKS URL: configured, or from the discovery document, which must name this issuer (OpenID Connect Discovery §4.3). */
  private async discover(): Promise<string> {
    if (this.config.jwksUri) return this.config.jwksUri;
    const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await this.fetcher(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== this.config.issuer) throw new Error(`${url} names the issuer ${String(document.issuer)}`);
    if (typeof document.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return document.jwks_uri;
  }
}
