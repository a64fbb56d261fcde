import { canApply } from '@app/alerts';
import { canonicalJson } from '@app/audit-trail';
import { parseTimestamp } from '@app/common';
import type { Alert } from '@app/database';

import { AlertmanagerAlertDto } from './dto/alertmanager-webhook.dto';
import { mapSeverity } from './severity-mapping';

/** Who ingestion acts as, in timeline entries and resolved_by. */
export const ALERTMANAGER = 'alertmanager';

/** Alertmanager's zero time ("0001-01-01T00:00:00Z", outside the range parseTimestamp takes) means "no end yet". */
export function endOf(alert: AlertmanagerAlertDto): Date | null {
  return alert.endsAt ? parseTimestamp(alert.endsAt) : null;
}

/** An alert's identity: fingerprint and startsAt (to the millisecond, as stored). */
export function alertKey(fingerprint: string, startsAt: Date): string {
  return `${fingerprint}|${startsAt.toISOString()}`;
}

export type DescribedFields = ReturnType<typeof describedFields>;

/** What an Alertmanager alert says about our alert's descriptive fields. */
export function describedFields(alert: AlertmanagerAlertDto, receiver: string, instanceLabel: string | null = null) {
  const labels = alert.labels;
  const annotations = alert.annotations ?? {};
  return {
    type: labels.type ?? 'alertmanager',
    source: labels.instance ?? labels.job ?? 'alertmanager',
    title: (annotations.summary ?? labels.alertname ?? 'Alertmanager alert').slice(0, 500),
    message: annotations.description ?? null,
    severity: mapSeverity(labels.severity),
    alertname: labels.alertname ?? null,
    systemKey: labels.system_key ?? null,
    alertRuleId: labels.alertname ?? null,
    alertRuleName: labels.alertname ?? null,
    labels,
    annotations,
    receiver,
    generatorUrl: alert.generatorURL || null,
    /** Set on creation only: an alert does not move between instances. */
    instance: (instanceLabel && labels[instanceLabel]?.slice(0, 200)) || '',
  };
}

/** A stored alert as ingestion reads it: what it compares, and the version and status it updates on. */
export interface KnownAlert {
  id: string;
  status: Alert['status'];
  version: number;
  fingerprint: string;
  starts_at: Date;
  title: string;
  message: string | null;
  severity: Alert['severity'];
  receiver: string | null;
  source: string;
  labels: Alert['labels'];
  annotations: Alert['annotations'];
  generator_url: string | null;
  /**
   * The details of Alertmanager's latest resolution in the alert's timeline, read only for an open alert that
   * this payload resolves (null: Alertmanager never resolved it).
   */
  resolution: { ends_at?: string | null } | null;
}

export function differs(alert: KnownAlert, fields: DescribedFields): boolean {
  return (
    alert.title !== fields.title ||
    alert.message !== fields.message ||
    alert.severity !== fields.severity ||
    alert.receiver !== fields.receiver ||
    alert.source !== fields.source ||
    alert.generator_url !== fields.generatorUrl ||
    canonicalJson(alert.labels) !== canonicalJson(fields.labels) ||
    canonicalJson(alert.annotations) !== canonicalJson(fields.annotations)
  );
}

/** How a resolution by Alertmanager is remembered in its timeline entry: the endsAt it reported. */
export function resolutionEnd(end: Date | null): string | null {
  return end ? end.toISOString() : null;
}

/**
 * Whether a resolved notification resolves the stored alert. An open alert that Alertmanager never resolved
 * is resolved. One that Alertmanager resolved before is open again only because a person reopened it; the
 * same notification again (a replay, or the group's next notification still listing it) is then not news, and
 * the person's reopening stands. Only a resolution with another endsAt than the recorded one (Alertmanager
 * resolved it anew) resolves it again. A resolution recorded before endsAt was kept counts as the same.
 */
export function resolves(alert: KnownAlert, end: Date | null): boolean {
  if (!canApply(alert.status, 'resolve')) return false;
  if (!alert.resolution) return true;
  return alert.resolution.ends_at !== undefined && alert.resolution.ends_at !== resolutionEnd(end);
}
