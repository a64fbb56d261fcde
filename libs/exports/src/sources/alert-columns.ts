// Loaded by part threads (runner/part-thread.ts), which must stay light: type imports and the one
// function file of @app/alerts it needs, not the library's barrel (Nest, class-validator, Prisma).
import type { Alert } from '@app/database';
import { timeToAcknowledge, timeToResolve } from '@app/alerts/response-times';

import type { ExportColumn } from './record-source';

/** A member of the alert's seed 000 event (the `event` jsonb), or null. */
function eventField(alert: Alert, name: string): string | number | null {
  const event = alert.event as Record<string, unknown> | null;
  const value = event?.[name];
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function eventTime(alert: Alert): Date | null {
  const text = eventField(alert, 'event_time');
  return typeof text === 'string' ? new Date(text) : null;
}

/** The exported fields of an alert, in file order (the API's names). */
export const ALERT_EXPORT_COLUMNS: ExportColumn<Alert>[] = [
  { key: 'id', kind: 'id', width: 30, value: (a) => a.id },
  { key: 'created_at', kind: 'date', width: 20, value: (a) => a.createdAt },
  { key: 'severity', kind: 'text', width: 13, value: (a) => a.severity },
  { key: 'status', kind: 'text', width: 13, value: (a) => a.status },
  { key: 'type', kind: 'text', width: 18, value: (a) => a.type },
  { key: 'source', kind: 'text', width: 18, value: (a) => a.source },
  { key: 'title', kind: 'text', width: 40, value: (a) => a.title },
  { key: 'message', kind: 'text', width: 50, value: (a) => a.message },
  { key: 'assignee', kind: 'text', width: 16, value: (a) => a.assignee },
  { key: 'alertable_type', kind: 'text', width: 12, value: (a) => a.alertableType },
  { key: 'alertable_id', kind: 'id', width: 24, value: (a) => a.alertableId },
  { key: 'alert_rule_id', kind: 'id', width: 16, value: (a) => a.alertRuleId },
  { key: 'alert_rule_name', kind: 'text', width: 24, value: (a) => a.alertRuleName },
  { key: 'alert_rule_description', kind: 'text', width: 40, value: (a) => a.alertRuleDescription },
  { key: 'alert_rule_active', kind: 'boolean', width: 10, value: (a) => a.alertRuleActive },
  { key: 'alert_rule_analytic_id', kind: 'id', width: 16, value: (a) => a.alertRuleAnalyticId },
  { key: 'system_key', kind: 'text', width: 18, value: (a) => a.systemKey },
  { key: 'alertname', kind: 'text', width: 18, value: (a) => a.alertname },
  { key: 'fingerprint', kind: 'id', width: 18, value: (a) => a.fingerprint },
  { key: 'stream_id', kind: 'id', width: 18, value: (a) => a.streamId },
  { key: 'instance', kind: 'id', width: 18, value: (a) => a.instance || null },
  { key: 'site_id', kind: 'id', width: 18, value: (a) => a.siteId },
  { key: 'event_id', kind: 'id', width: 18, value: (a) => eventField(a, 'id') },
  { key: 'event_analytic_id', kind: 'id', width: 12, value: (a) => eventField(a, 'analytic_id') },
  { key: 'event_stream_name', kind: 'text', width: 24, value: (a) => eventField(a, 'stream_name') },
  { key: 'event_label', kind: 'text', width: 18, value: (a) => eventField(a, 'label') },
  { key: 'event_result', kind: 'text', width: 18, value: (a) => eventField(a, 'result') },
  { key: 'event_time', kind: 'date', width: 20, value: eventTime },
  { key: 'labels', kind: 'json', width: 30, value: (a) => a.labels as Record<string, unknown> },
  { key: 'annotations', kind: 'json', width: 30, value: (a) => a.annotations as Record<string, unknown> },
  { key: 'receiver', kind: 'text', width: 16, value: (a) => a.receiver },
  { key: 'generator_url', kind: 'text', width: 40, value: (a) => a.generatorUrl },
  { key: 'follow_up_status', kind: 'text', width: 16, value: (a) => a.followUpStatus },
  { key: 'follow_up_notes', kind: 'text', width: 30, value: (a) => a.followUpNotes },
  { key: 'starts_at', kind: 'date', width: 20, value: (a) => a.startsAt },
  { key: 'ends_at', kind: 'date', width: 20, value: (a) => a.endsAt },
  { key: 'updated_at', kind: 'date', width: 20, value: (a) => a.updatedAt },
  { key: 'acknowledged_at', kind: 'date', width: 20, value: (a) => a.acknowledgedAt },
  { key: 'acknowledged_by', kind: 'text', width: 16, value: (a) => a.acknowledgedBy },
  { key: 'escalated_at', kind: 'date', width: 20, value: (a) => a.escalatedAt },
  { key: 'escalated_by', kind: 'text', width: 16, value: (a) => a.escalatedBy },
  { key: 'resolved_at', kind: 'date', width: 20, value: (a) => a.resolvedAt },
  { key: 'resolved_by', kind: 'text', width: 16, value: (a) => a.resolvedBy },
  { key: 'dismissed_at', kind: 'date', width: 20, value: (a) => a.dismissedAt },
  { key: 'dismissed_by', kind: 'text', width: 16, value: (a) => a.dismissedBy },
  { key: 'version', kind: 'number', width: 8, value: (a) => a.version },
  { key: 'controls', kind: 'json', width: 30, value: (a) => a.controls ?? [] },
  { key: 'tags', kind: 'json', width: 30, value: (a) => a.tags ?? [] },
  { key: 'duplicate_count', kind: 'number', width: 10, value: (a) => a.duplicateCount ?? 0 },
  { key: 'last_received_at', kind: 'date', width: 20, value: (a) => a.lastReceivedAt ?? a.createdAt },
  { key: 'shelved_until', kind: 'date', width: 20, value: (a) => (a.shelvedUntil && a.shelvedUntil.getTime() > Date.now() ? a.shelvedUntil : null) },
  { key: 'suppressed', kind: 'boolean', width: 10, value: (a) => a.maintenanceWindowId != null },
  { key: 'maintenance_window_id', kind: 'id', width: 30, value: (a) => a.maintenanceWindowId ?? null },
  { key: 'time_to_acknowledge_seconds', kind: 'number', width: 12, value: (a) => timeToAcknowledge(a) },
  { key: 'time_to_resolve_seconds', kind: 'number', width: 12, value: (a) => timeToResolve(a) },
];
