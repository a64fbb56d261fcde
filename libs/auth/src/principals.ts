import type { ApiKey } from '@app/database';
import { CredentialFacts, Principal } from '@app/common';

import { VerifiedClaims } from './jwt/jwt-verifier';
import { effectiveScopes } from './scopes';

/** `auditor` narrows a credential to the auditor's read and export scopes (and never admin). */
function principal(kind: Principal['kind'], subject: string, tenantId: string, scopes: string[], credentialId: string, credential: CredentialFacts): Principal {
  const set = effectiveScopes(scopes);
  return { kind, subject, tenantId, scopes: set, isAdmin: set.has('admin'), credentialId, credential };
}

const seconds = (value: number | undefined): Date | undefined => (value === undefined ? undefined : new Date(value * 1000));

export function principalFromToken(claims: VerifiedClaims): Principal {
  // Subjects of two issuers may coincide: an issuer's token counts under its issuer too.
  const credentialId = claims.issuer ? `jwt:${claims.tenantId}:${claims.issuer}:${claims.sub}` : `jwt:${claims.tenantId}:${claims.sub}`;
  const credential: CredentialFacts = {
    expiresAt: seconds(claims.exp) ?? null,
    ...(claims.iss !== undefined ? { issuer: claims.iss } : {}),
    ...(claims.iat !== undefined ? { issuedAt: seconds(claims.iat) } : {}),
    ...(claims.jti !== undefined ? { tokenId: claims.jti } : {}),
  };
  return principal('jwt', claims.sub, claims.tenantId, claims.scopes, credentialId, credential);
}

export function principalFromApiKey(key: ApiKey): Principal {
  return principal('api_key', key.id, key.tenantId, key.scopes, `key:${key.id}`, { name: key.name, expiresAt: key.expiresAt, issuedAt: key.createdAt });
}
