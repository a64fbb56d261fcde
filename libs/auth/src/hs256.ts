import { createHmac } from 'node:crypto';

export interface TokenClaims {
  sub: string;
  tenant_id: string;
  scopes: string[] | string;
  iss?: string;
  aud?: string | string[];
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** Signs claims as an HS256 JWT (development tokens from the CLI and the demo; tests). */
export function signHs256(claims: TokenClaims, secret: string, header: Record<string, unknown> = {}): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** A development token for one tenant, valid for `ttlSeconds`. */
export function mintDevToken(
  secret: string,
  input: { sub: string; tenantId: string; scopes: readonly string[]; ttlSeconds?: number; issuer?: string | null; audience?: string | null },
): string {
  const now = Math.floor(Date.now() / 1000);
  return signHs256(
    {
      sub: input.sub,
      tenant_id: input.tenantId,
      scopes: [...input.scopes],
      iat: now,
      exp: now + (input.ttlSeconds ?? 24 * 3600),
      ...(input.issuer ? { iss: input.issuer } : {}),
      ...(input.audience ? { aud: input.audience } : {}),
    },
    secret,
  );
}
