/**
 * OIDC_ISSUERS: the OpenID Connect providers whose access tokens the api accepts, as a JSON array.
 * Checked at start with the rest of the configuration; the scope names in `scope_map` are checked by
 * the auth library, which owns them.
 */
export interface OidcIssuerConfig {
  /** The `iss` of its tokens, exactly; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The `aud` its tokens must name. */
  audience: string;
  /** The JWKS URL, when the provider publishes no discovery document; null: from discovery. */
  jwksUri: string | null;
  /** The claim (a dotted path for nested claims) holding the tenant id; null when `tenant` is fixed. */
  tenantClaim: string | null;
  /** The one tenant every token of this issuer acts for; null when read from `tenantClaim`. */
  tenant: string | null;
  /** Claims (dotted paths) holding scopes, roles or groups: space-separated strings or arrays. */
  scopeClaims: string[];
  /** Provider value (scope, role or group) → our scopes; null: values that name our scopes are taken as they are. */
  scopeMap: Record<string, string[]> | null;
}

export const OIDC_ISSUERS_EXPECTS =
  'a JSON array of {"issuer": URL, "audience": text, "tenant_claim": claim or "tenant": tnt_…, optional "scope_claims": [claims] (default ["scope", "scp"]), "scope_map": {value: [scopes]}, "jwks_uri": URL}, or empty for none';

const KEYS = new Set(['issuer', 'audience', 'jwks_uri', 'tenant_claim', 'tenant', 'scope_claims', 'scope_map']);

function httpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function entry(raw: unknown): OidcIssuerConfig | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const value = raw as Record<string, unknown>;
  if (Object.keys(value).some((key) => !KEYS.has(key))) return undefined;
  const {
    issuer,
    audience,
    jwks_uri: jwksUri,
    tenant_claim: tenantClaim,
    tenant,
    scope_claims: scopeClaims = ['scope', 'scp'],
    scope_map: scopeMap = null,
  } = value;
  if (!httpUrl(issuer) || !nonEmpty(audience)) return undefined;
  if (jwksUri !== undefined && !httpUrl(jwksUri)) return undefined;
  if ((tenantClaim === undefined) === (tenant === undefined)) return undefined;
  if (tenantClaim !== undefined && !nonEmpty(tenantClaim)) return undefined;
  if (tenant !== undefined && (typeof tenant !== 'string' || !/^tnt_[0-9A-Z]{26}$/.test(tenant))) return undefined;
  if (!Array.isArray(scopeClaims) || scopeClaims.length === 0 || !scopeClaims.every(nonEmpty)) return undefined;
  if (scopeMap !== null) {
    if (typeof scopeMap !== 'object' || Array.isArray(scopeMap)) return undefined;
    if (!Object.values(scopeMap).every((scopes) => Array.isArray(scopes) && scopes.every(nonEmpty))) return undefined;
  }
  return {
    issuer,
    audience,
    jwksUri: jwksUri ?? null,
    tenantClaim: (tenantClaim as string | undefined) ?? null,
    tenant: (tenant as string | undefined) ?? null,
    scopeClaims: scopeClaims as string[],
    scopeMap: scopeMap as Record<string, string[]> | null,
  };
}

/** The issuers of OIDC_ISSUERS, or undefined when the value is not such an array (or names an issuer twice). */
export function parseOidcIssuers(raw: string): OidcIssuerConfig[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  const issuers = list.map(entry);
  if (!issuers.every((issuer) => issuer !== undefined)) return undefined;
  const names = issuers.map((issuer) => (issuer as OidcIssuerConfig).issuer);
  return new Set(names).size === names.length ? (issuers as OidcIssuerConfig[]) : undefined;
}
