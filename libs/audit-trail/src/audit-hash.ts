import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers, in the shape they are stored. */
export interface HashedEvent {
  tenantId: string;
  seq: bigint;
  at: Date;
  actor: string;
  actorType: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  traceId: string | null;
  details: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every level: the same value always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The covered fields under their API names, as hashed (and as the API shows them, seq aside). */
export function eventFields(event: HashedEvent) {
  return {
    tenant_id: event.tenantId,
    seq: event.seq.toString(),
    at: event.at.toISOString(),
    actor: event.actor,
    actor_type: event.actorType,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
    outcome: event.outcome,
    ip: event.ip,
    user_agent: event.userAgent,
    request_id: event.requestId,
    trace_id: event.traceId,
    details: event.details,
    prev_hash: event.prevHash,
  };
}

/** SHA-256 (hex) over the canonical serialisation of the event, its previous hash included. */
export function hashEvent(event: HashedEvent): string {
  return createHash('sha256').update(canonicalJson(eventFields(event))).digest('hex');
}
