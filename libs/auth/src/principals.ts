import type { ApiKey } from '@app/database';
import { Principal } from '@app/common';

import { VerifiedClaims } from './jwt/jwt-verifier';
import { effectiveScopes } from './scopes';

/** `auditor` narrows a credential to the auditor's read and export scopes (and never admin). */
function principal(kind: Principal['kind'], subject: string, tenantId: string, scopes: string[], credentialId: string): Principal {
  const set = effectiveScopes(scopes);
  return { kind, subject, tenantId, scopes: set, isAdmin: set.has('admin'), credentialId };
}

export function principalFromToken(claims: VerifiedClaims): Principal {
  // Subjects of two issuers may coincide: an issuer's token counts under its issuer too.
  const credentialId = claims.issuer ? `jwt:${claims.tenantId}:${claims.issuer}:${claims.sub}` : `jwt:${claims.tenantId}:${claims.sub}`;
  return principal('jwt', claims.sub, claims.tenantId, claims.scopes, credentialId);
}

export function principalFromApiKey(key: ApiKey): Principal {
  return principal('api_key', key.id, key.tenantId, key.scopes, `key:${key.id}`);
}
