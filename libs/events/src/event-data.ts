import { Prisma } from '@app/database';

import { OutboxEntry } from './outbox-event';

/** The fields of an alert an event carries (a summary: a receiver reads the whole alert through the API). */
export interface AlertEventFields {
  id: string;
  tenantId: string;
  status: string;
  severity: string;
  type: string;
  source: string;
  title: string;
  controls: string[];
  version: number;
  updatedAt: Date;
  /** The maintenance window that suppressed the alert (null or absent: none). */
  maintenanceWindowId?: string | null;
  /** Repeats counted on the alert (absent: none). */
  duplicateCount?: number;
}

export function alertEventData(alert: AlertEventFields, previousStatus: string | null = null): Prisma.InputJsonObject {
  return {
    id: alert.id,
    tenant_id: alert.tenantId,
    status: alert.status,
    previous_status: previousStatus,
    severity: alert.severity,
    type: alert.type,
    source: alert.source,
    title: alert.title,
    controls: alert.controls,
    version: alert.version,
    updated_at: alert.updatedAt.toISOString(),
    // A receiver that pages people can leave out what a maintenance window suppressed.
    suppressed: alert.maintenanceWindowId != null,
    maintenance_window_id: alert.maintenanceWindowId ?? null,
    duplicate_count: alert.duplicateCount ?? 0,
  };
}

export function alertCreatedEvent(alert: AlertEventFields): OutboxEntry {
  return { tenantId: alert.tenantId, type: 'alert.created', data: alertEventData(alert) };
}

/**
 * The events of a change to an alert: `alert.status_changed` when its status moved (and `alert.escalated`
 * too when it moved to escalated), `alert.updated` otherwise.
 */
export function alertChangedEvents(alert: AlertEventFields, previousStatus: string): OutboxEntry[] {
  if (alert.status === previousStatus) return [{ tenantId: alert.tenantId, type: 'alert.updated', data: alertEventData(alert) }];
  const data = alertEventData(alert, previousStatus);
  const events: OutboxEntry[] = [{ tenantId: alert.tenantId, type: 'alert.status_changed', data }];
  if (alert.status === 'escalated') events.push({ tenantId: alert.tenantId, type: 'alert.escalated', data });
  return events;
}

export interface ThreatCaseEventFields {
  id: string;
  tenantId: string;
  status: string;
  title: string | null;
  controls: string[];
  version: number;
  updatedAt: Date;
}

export function threatCaseEvent(
  type: 'threat_case.created' | 'threat_case.transitioned',
  tc: ThreatCaseEventFields,
  previousStatus: string | null = null,
): OutboxEntry {
  return {
    tenantId: tc.tenantId,
    type,
    data: {
      id: tc.id,
      tenant_id: tc.tenantId,
      status: tc.status,
      previous_status: previousStatus,
      title: tc.title,
      controls: tc.controls,
      version: tc.version,
      updated_at: tc.updatedAt.toISOString(),
    },
  };
}

export interface ExportEventFields {
  id: string;
  tenantId: string;
  resource: string;
  format: string;
}

export function exportEvent(
  job: ExportEventFields,
  outcome: { status: 'completed'; sha256: string | null; records: number } | { status: 'failed'; error: string },
): OutboxEntry {
  const base = { id: job.id, tenant_id: job.tenantId, resource: job.resource, format: job.format, status: outcome.status };
  return outcome.status === 'completed'
    ? { tenantId: job.tenantId, type: 'export.completed', data: { ...base, sha256: outcome.sha256, records: outcome.records, error_message: null } }
    : { tenantId: job.tenantId, type: 'export.failed', data: { ...base, sha256: null, records: null, error_message: outcome.error } };
}
