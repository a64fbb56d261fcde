import { Injectable } from '@nestjs/common';

import { canApply } from '@app/alerts';
import { appendAuditEvents, AuditEntry, canonicalJson } from '@app/audit-trail';
import { Principal, publicId } from '@app/common';
import { Alert, InjectScopedPrisma, Prisma, ScopedPrismaClient } from '@app/database';

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
  };
}

function differs(alert: Alert, fields: ReturnType<typeof describedFields>): boolean {
  return (
    alert.title !== fields.title ||
    alert.message !== fields.message ||
    alert.severity !== fields.severity ||
    alert.receiver !== fields.receiver ||
    alert.source !== fields.source ||
    canonicalJson(alert.labels) !== canonicalJson(fields.labels) ||
    canonicalJson(alert.annotations) !== canonicalJson(fields.annotations)
  );
}

/**
 * The Alertmanager webhook: one transaction per payload. An alert is identified by fingerprint and
 * startsAt: new ones are created, known ones updated when what they say changed, and a resolved
 * notification resolves the open alert (resolved_by "alertmanager"). A replayed payload changes nothing.
 */
@Injectable()
export class AlertmanagerIngestService {
  constructor(@InjectScopedPrisma() private readonly db: ScopedPrismaClient) {}

  ingest(payload: AlertmanagerWebhookDto, principal: Principal): Promise<IngestResultDto> {
    const tenantId = principal.tenantId;
    // Within one payload the last word on an alert wins.
    const latest = new Map<string, AlertmanagerAlertDto>();
    for (const alert of payload.alerts) latest.set(`${alert.fingerprint}|${new Date(alert.startsAt).toISOString()}`, alert);
    return this.db.$transaction(async (tx) => {
      const now = new Date();
      const known = await tx.alert.findMany({ where: { tenantId, fingerprint: { in: [...new Set(payload.alerts.map((a) => a.fingerprint))] } } });
      const byKey = new Map(known.map((alert) => [`${alert.fingerprint}|${alert.startsAt.toISOString()}`, alert]));
      const result: IngestResultDto = { created: 0, updated: 0, resolved: 0, unchanged: 0, truncated_alerts: payload.truncatedAlerts ?? 0 };
      const creates: Prisma.AlertUncheckedCreateInput[] = [];
      const timeline: Prisma.AlertTimelineEntryUncheckedCreateInput[] = [];
      const audit: AuditEntry[] = [];
      const entry = (alertId: string, action: string, extra: Partial<Prisma.AlertTimelineEntryUncheckedCreateInput> = {}) =>
        timeline.push({ id: publicId('atl', now.getTime()), tenantId, alertId, at: now, actor: RESOLVER, action, details: { via: 'alertmanager', receiver: payload.receiver }, ...extra });

      for (const [key, incoming] of latest) {
        const fields = describedFields(incoming, payload.receiver);
        const end = endOf(incoming);
        const resolvedNow = incoming.status === 'resolved';
        const current = byKey.get(key);
        if (!current) {
          const id = publicId('alr', now.getTime());
          const resolvedAt = resolvedNow ? (end ?? now) : null;
          creates.push({
            id, tenantId, ...fields, alertableType: 'external', alertableId: incoming.fingerprint, fingerprint: incoming.fingerprint,
            startsAt: new Date(incoming.startsAt), endsAt: resolvedNow ? resolvedAt : end, createdAt: now, updatedAt: now,
            ...(resolvedNow ? { status: 'resolved', resolvedAt, resolvedBy: RESOLVER, version: 2 } : {}),
          });
          entry(id, 'created', { toStatus: 'open' });
          audit.push({ tenantId, action: 'alert.create', resourceType: 'alert', resourceId: id, details: { via: 'alertmanager', fingerprint: incoming.fingerprint, severity: fields.severity } });
          if (resolvedNow) {
            entry(id, 'resolved', { fromStatus: 'open', toStatus: 'resolved' });
            audit.push({ tenantId, action: 'alert.resolve', resourceType: 'alert', resourceId: id, details: { via: 'alertmanager' } });
            result.resolved++;
          }
          result.created++;
          continue;
        }
        const changed = differs(current, fields);
        const resolving = resolvedNow && canApply(current.status, 'resolve');
        if (!changed && !resolving) {
          result.unchanged++;
          continue;
        }
        const resolvedAt = end ?? now;
        await tx.alert.update({
          where: { id: current.id },
          data: {
            ...(changed ? fields : {}),
            ...(resolving ? { status: 'resolved', resolvedAt, resolvedBy: RESOLVER, endsAt: resolvedAt } : {}),
            updatedAt: now,
            version: { increment: 1 },
          },
        });
        if (changed) {
          entry(current.id, 'updated');
          audit.push({ tenantId, action: 'alert.update', resourceType: 'alert', resourceId: current.id, details: { via: 'alertmanager' } });
          result.updated++;
        }
        if (resolving) {
          entry(current.id, 'resolved', { fromStatus: current.status, toStatus: 'resolved' });
          audit.push({ tenantId, action: 'alert.resolve', resourceType: 'alert', resourceId: current.id, details: { via: 'alertmanager' } });
          result.resolved++;
        }
      }
      if (creates.length) await tx.alert.createMany({ data: creates });
      if (timeline.length) await tx.alertTimelineEntry.createMany({ data: timeline });
      await appendAuditEvents(tx, tenantId, audit, now);
      return result;
    }, { timeout: 30_000 });
  }
}
