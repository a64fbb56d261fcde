import { Injectable } from '@nestjs/common';

import { canApply } from '@app/alerts';
import { appendAuditEventsSql, AuditEntry, canonicalJson } from '@app/audit-trail';
import { Principal, publicId } from '@app/common';
import { CompliancePolicies, matchControls } from '@app/compliance';
import { Alert, insertJsonRows, PlainSql, Prisma } from '@app/database';

import { AlertmanagerAlertDto, AlertmanagerWebhookDto, IngestResultDto } from './dto/alertmanager-webhook.dto';
import { mapSeverity } from './severity-mapping';

const RESOLVER = 'alertmanager';

/** Alertmanager's zero time ("0001-01-01T00:00:00Z") and anything unparsable mean "no end yet". */
function endOf(alert: AlertmanagerAlertDto): Date | null {
  if (!alert.endsAt) return null;
  const end = new Date(alert.endsAt);
  return Number.isNaN(end.getTime()) || end.getUTCFullYear() < 1970 ? null : end;
}

/** What an Alertmanager alert says about our alert's descriptive fields. */
function describedFields(alert: AlertmanagerAlertDto, receiver: string) {
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
  };
}

function differs(alert: KnownAlert, fields: ReturnType<typeof describedFields>): boolean {
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

interface KnownAlert {
  id: string;
  status: Alert['status'];
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
}

const ALERT_COLUMNS = [
  'id', 'tenant_id', 'type', 'source', 'title', 'message', 'severity', 'status', 'alertable_type', 'alertable_id', 'alert_rule_id', 'alert_rule_name', 'system_key',
  'alertname', 'fingerprint', 'labels', 'annotations', 'receiver', 'generator_url', 'starts_at', 'ends_at', 'created_at', 'updated_at', 'resolved_at', 'resolved_by', 'version', 'controls',
];
const TIMELINE_COLUMNS = ['id', 'tenant_id', 'alert_id', 'at', 'actor', 'action', 'from_status', 'to_status', 'details'];

interface NewAlert {
  id: string;
  /** From the tenant's control rules, evaluated in memory (the rules are cached per tenant). */
  controls: string[];
  fields: ReturnType<typeof describedFields>;
  fingerprint: string;
  startsAt: Date;
  endsAt: Date | null;
  resolvedAt: Date | null;
}

/**
 * The Alertmanager webhook: one transaction per payload, written through plain pg (multi-row INSERTs;
 * Prisma's runtime cost more CPU than the database work, docs/BENCHMARKS.md). An alert is identified by
 * fingerprint and startsAt: new ones are created (ON CONFLICT DO NOTHING covers a concurrent payload),
 * known ones updated when what they say changed, and a resolved notification resolves the open alert
 * (resolved_by "alertmanager", a system resolution: the tenant's note requirement does not apply).
 * A replayed payload changes nothing. New alerts get the controls of the tenant's control rules.
 */
@Injectable()
export class AlertmanagerIngestService {
  constructor(private readonly sql: PlainSql, private readonly policies: CompliancePolicies) {}

  async ingest(payload: AlertmanagerWebhookDto, principal: Principal): Promise<IngestResultDto> {
    const tenantId = principal.tenantId;
    const { rules } = await this.policies.get(tenantId);
    // Within one payload the last word on an alert wins.
    const latest = new Map<string, AlertmanagerAlertDto>();
    for (const alert of payload.alerts) latest.set(`${alert.fingerprint}|${new Date(alert.startsAt).toISOString()}`, alert);
    return this.sql.transaction(async (run) => {
      const now = new Date();
      const fingerprints = [...new Set(payload.alerts.map((a) => a.fingerprint))];
      // The tenant as a sub-select, so the planner estimates its rows generically: for a tenant newer than
      // the table's statistics it would otherwise expect one row, scan all the tenant's alerts through any
      // (tenant_id, …) index and filter the fingerprints, slower with every payload (docs/BENCHMARKS.md).
      const known = fingerprints.length
        ? await run<KnownAlert>(Prisma.sql`
            SELECT id, status::text AS status, fingerprint, starts_at, title, message, severity::text AS severity, receiver, source, labels, annotations, generator_url
              FROM alerts WHERE tenant_id = (SELECT ${tenantId}::text) AND fingerprint = ANY(${fingerprints})`)
        : [];
      const byKey = new Map(known.map((alert) => [`${alert.fingerprint}|${alert.starts_at.toISOString()}`, alert]));
      const result: IngestResultDto = { created: 0, updated: 0, resolved: 0, unchanged: 0, truncated_alerts: payload.truncatedAlerts ?? 0 };
      const fresh: NewAlert[] = [];
      const timeline: Record<string, unknown>[] = [];
      const audit: AuditEntry[] = [];
      // groupKey names the Alertmanager group that sent the change, so a timeline entry leads back to its notification.
      const details = { via: 'alertmanager', receiver: payload.receiver, group_key: payload.groupKey ?? null };
      const entry = (alertId: string, action: string, from: string | null, to: string | null) =>
        timeline.push({ id: publicId('atl', now.getTime()), tenant_id: tenantId, alert_id: alertId, at: now, actor: RESOLVER, action, from_status: from, to_status: to, details });

      for (const [key, incoming] of latest) {
        const fields = describedFields(incoming, payload.receiver);
        const end = endOf(incoming);
        const resolvedNow = incoming.status === 'resolved';
        const current = byKey.get(key);
        if (!current) {
          const resolvedAt = resolvedNow ? (end ?? now) : null;
          const controls = matchControls(rules, { type: fields.type, source: fields.source, labels: fields.labels });
          fresh.push({ id: publicId('alr', now.getTime()), controls, fields, fingerprint: incoming.fingerprint, startsAt: new Date(incoming.startsAt), endsAt: resolvedNow ? resolvedAt : end, resolvedAt });
          continue;
        }
        const changed = differs(current, fields);
        const resolving = resolvedNow && canApply(current.status, 'resolve');
        if (!changed && !resolving) {
          result.unchanged++;
          continue;
        }
        const resolvedAt = end ?? now;
        const sets = [
          ...(changed
            ? [Prisma.sql`title = ${fields.title}, message = ${fields.message}, severity = ${fields.severity}::alert_severity, receiver = ${fields.receiver},
                 source = ${fields.source}, generator_url = ${fields.generatorUrl}, labels = ${JSON.stringify(fields.labels)}::jsonb, annotations = ${JSON.stringify(fields.annotations)}::jsonb`]
            : []),
          ...(resolving ? [Prisma.sql`status = 'resolved', resolved_at = ${resolvedAt}, resolved_by = ${RESOLVER}, ends_at = ${resolvedAt}`] : []),
          Prisma.sql`updated_at = ${now}, version = version + 1`,
        ];
        await run(Prisma.sql`UPDATE alerts SET ${Prisma.join(sets)} WHERE id = ${current.id} AND tenant_id = ${tenantId}`);
        if (changed) {
          entry(current.id, 'updated', null, null);
          audit.push({ tenantId, action: 'alert.update', resourceType: 'alert', resourceId: current.id, details: { via: 'alertmanager' } });
          result.updated++;
        }
        if (resolving) {
          entry(current.id, 'resolved', current.status, 'resolved');
          audit.push({ tenantId, action: 'alert.resolve', resourceType: 'alert', resourceId: current.id, details: { via: 'alertmanager' } });
          result.resolved++;
        }
      }

      if (fresh.length > 0) {
        const rows = fresh.map(({ id, controls, fields: f, fingerprint, startsAt, endsAt, resolvedAt }) => ({
          id, tenant_id: tenantId, type: f.type, source: f.source, title: f.title, message: f.message, severity: f.severity, status: resolvedAt ? 'resolved' : 'open',
          alertable_type: 'external', alertable_id: fingerprint, alert_rule_id: f.alertRuleId, alert_rule_name: f.alertRuleName, system_key: f.systemKey,
          alertname: f.alertname, fingerprint, labels: f.labels, annotations: f.annotations, receiver: f.receiver, generator_url: f.generatorUrl, starts_at: startsAt, ends_at: endsAt,
          created_at: now, updated_at: now, resolved_at: resolvedAt, resolved_by: resolvedAt ? RESOLVER : null, version: resolvedAt ? 2 : 1, controls,
        }));
        // A concurrent payload may have stored the same alert a moment ago: it keeps it, this one skips it.
        const inserted = await run<{ id: string }>(Prisma.sql`${insertJsonRows('alerts', ALERT_COLUMNS, rows)} ON CONFLICT (tenant_id, fingerprint, starts_at) DO NOTHING RETURNING id`);
        const stored = new Set(inserted.map((row) => row.id));
        for (const alert of fresh) {
          if (!stored.has(alert.id)) {
            result.unchanged++;
            continue;
          }
          result.created++;
          entry(alert.id, 'created', null, 'open');
          audit.push({ tenantId, action: 'alert.create', resourceType: 'alert', resourceId: alert.id, details: { via: 'alertmanager', fingerprint: alert.fingerprint, severity: alert.fields.severity, controls: alert.controls } });
          if (alert.resolvedAt) {
            entry(alert.id, 'resolved', 'open', 'resolved');
            audit.push({ tenantId, action: 'alert.resolve', resourceType: 'alert', resourceId: alert.id, details: { via: 'alertmanager' } });
            result.resolved++;
          }
        }
      }
      if (timeline.length > 0) await run(insertJsonRows('alert_timeline', TIMELINE_COLUMNS, timeline));
      await appendAuditEventsSql(run, tenantId, audit, now);
      return result;
    });
  }
}
