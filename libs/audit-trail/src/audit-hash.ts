import { createHash } from 'node:crypto';

import { isoUtc } from '@app/common';

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
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The covered fields under their API names, as hashed (and as the API shows them, seq aside). */
export function eventFields(event: HashedEvent) {
  return {
    tenant_id: event.tenantId,
    seq: event.seq.toString(),
    at: isoUtc(event.at),
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

/**
 * The event's canonical bytes (UTF-8 of this text): what its chain hash and its Merkle leaf cover.
 * canonicalJson(eventFields(event)), written directly: the top-level keys are known, so they are listed
 * once in sorted order and only `details` is canonicalised (ingestion hashes one event per alert).
 */
export function canonicalEvent(event: HashedEvent): string {
  const f = eventFields(event);
  const text = (value: string | null) => JSON.stringify(value);
  if (Object.values(f).some((value) => value === undefined)) return canonicalJson(f);
  return `{"action":${text(f.action)},"actor":${text(f.actor)},"actor_type":${text(f.actor_type)},"at":${text(f.at)},"details":${canonicalJson(f.details)},"ip":${text(f.ip)},"outcome":${text(f.outcome)},"prev_hash":${text(f.prev_hash)},"request_id":${text(f.request_id)},"resource_id":${text(f.resource_id)},"resource_type":${text(f.resource_type)},"seq":${text(f.seq)},"tenant_id":${text(f.tenant_id)},"trace_id":${text(f.trace_id)},"user_agent":${text(f.user_agent)}}`;
}

/** SHA-256 (hex) over the canonical serialisation of the event, its previous hash included. */
export function hashEvent(event: HashedEvent): string {
  return createHash('sha256').update(canonicalEvent(event)).digest('hex');
}
