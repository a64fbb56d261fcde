/** The scopes of API.md, plus compliance and the auditor's; `admin` crosses tenants. */
export const SCOPES = [
  'alerts:read',
  'alerts:write',
  'alerts:ingest',
  'cases:read',
  'cases:write',
  'exports:read',
  'exports:write',
  'audit:read',
  'compliance:read',
  'compliance:write',
  'webhooks:read',
  'webhooks:write',
  'maintenance:read',
  'maintenance:write',
  'auditor',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

/**
 * What `auditor` grants: every read scope and the export scopes, no write. A credential holding
 * `auditor` has exactly these, whatever else it names (docs/API-DECISIONS.md).
 */
export const AUDITOR_SCOPES: readonly Scope[] = ['alerts:read', 'cases:read', 'audit:read', 'compliance:read', 'exports:read', 'exports:write'];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** The scopes a credential naming `scopes` acts with: an auditor's are the auditor set, nothing more. */
export function effectiveScopes(scopes: readonly string[]): Set<string> {
  return scopes.includes('auditor') ? new Set<string>(['auditor', ...AUDITOR_SCOPES]) : new Set(scopes);
}
