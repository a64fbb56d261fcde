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
}

/** The principal of the current request, if any. */
export function currentPrincipal(): Principal | undefined {
  return RequestContextStore.current()?.principal;
}
