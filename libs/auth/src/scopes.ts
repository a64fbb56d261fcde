/** The scopes of API.md; `admin` crosses tenants. */
export const SCOPES = [
  'alerts:read',
  'alerts:write',
  'alerts:ingest',
  'cases:read',
  'cases:write',
  'exports:read',
  'exports:write',
  'audit:read',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
