import { RequestContextStore } from '../trace/request-context';

/** Who makes a request: set by the credentials guard, read by the data layer to scope every query. */
export interface Principal {
  kind: 'jwt' | 'api_key';
  /** `sub` of a JWT, or the API key's id. */
  subject: string;
  tenantId: string;
  scopes: ReadonlySet<string>;
  /** `admin` crosses tenants. */
  isAdmin: boolean;
  /** The JWT's `jti`/`sub`, or the API key's id: what rate limits count by. */
  credentialId: string;
  /** What the credential says of itself, for GET /v1/me: an API key's name and expiry, a token's issuer and times. */
  credential?: CredentialFacts;
}

/** Facts of the credential a principal came with; absent where the credential does not carry them. */
export interface CredentialFacts {
  /** An API key's name. */
  name?: string;
  /** A token's `iss` (an OIDC issuer, or JWT_ISSUER for a token of the shared secret). */
  issuer?: string;
  /** A token's `jti`. */
  tokenId?: string;
  /** An API key's expires_at or a token's `exp`; null when it never expires. */
  expiresAt: Date | null;
  /** A token's `iat`, an API key's created_at. */
  issuedAt?: Date;
}

/** The principal of the current request, if any. */
export function currentPrincipal(): Principal | undefined {
  return RequestContextStore.current()?.principal;
}
