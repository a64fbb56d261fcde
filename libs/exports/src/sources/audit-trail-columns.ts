// Loaded by part threads (runner/part-thread.ts): types only, nothing of Nest or Prisma.
import type { ExportColumn } from './record-source';

/** An audit event as the export reads it. */
export interface AuditRow {
  id: string;
  seq: string;
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
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The exported fields of an audit event, in file order. */
export const AUDIT_TRAIL_EXPORT_COLUMNS: ExportColumn<AuditRow>[] = [
  { key: 'id', kind: 'id', width: 30, value: (e) => e.id },
  // A number, as the API answers it (a tenant's chain stays far below 2^53 events); pg reads bigint as text, which the keyset keeps.
  { key: 'seq', kind: 'number', width: 8, value: (e) => Number(e.seq) },
  { key: 'at', kind: 'date', width: 20, value: (e) => e.at },
  { key: 'actor', kind: 'text', width: 20, value: (e) => e.actor },
  { key: 'actor_type', kind: 'text', width: 10, value: (e) => e.actorType },
  { key: 'action', kind: 'text', width: 20, value: (e) => e.action },
  { key: 'resource_type', kind: 'text', width: 14, value: (e) => e.resourceType },
  { key: 'resource_id', kind: 'id', width: 30, value: (e) => e.resourceId },
  { key: 'outcome', kind: 'text', width: 10, value: (e) => e.outcome },
  { key: 'ip', kind: 'text', width: 16, value: (e) => e.ip },
  { key: 'user_agent', kind: 'text', width: 24, value: (e) => e.userAgent },
  { key: 'request_id', kind: 'id', width: 24, value: (e) => e.requestId },
  { key: 'trace_id', kind: 'id', width: 24, value: (e) => e.traceId },
  { key: 'details', kind: 'json', width: 40, value: (e) => e.details },
  { key: 'prev_hash', kind: 'id', width: 30, value: (e) => e.prevHash },
  { key: 'hash', kind: 'id', width: 30, value: (e) => e.hash },
];
