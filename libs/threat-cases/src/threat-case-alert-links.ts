import type { AuditEntry } from '@app/audit-trail';
import { publicId } from '@app/common';
import { addAlertControlsToCaseSql, refreshCaseControlsSql } from '@app/compliance';
import { SEVERITIES } from '@app/alerts/dto/alert-enums';
import type { AlertSeverity, ScopedPrismaClient } from '@app/database';

import { alertsNotFound } from './errors/threat-case-errors';

type TransactionWork = Extract<Parameters<ScopedPrismaClient['$transaction']>[0], (...args: never[]) => unknown>;
/** The tenant-scoped client inside an interactive transaction. */
export type ScopedTx = Parameters<TransactionWork>[0];

/** Who links or unlinks alerts of which case, when. */
export interface LinkContext {
  caseId: string;
  tenantId: string;
  actor: string;
  now: Date;
}

/** The ids of a request once, in the order given. */
export function uniqueIds(ids: string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Every id must name an alert of the tenant; otherwise 422 listing the others (unknown and foreign alike).
 * Answers the highest severity among them (a new case's default).
 */
export async function requireTenantAlerts(tx: ScopedTx, tenantId: string, ids: string[]): Promise<AlertSeverity> {
  const found = await tx.alert.findMany({ where: { id: { in: ids }, tenantId }, select: { id: true, severity: true } });
  const known = new Set(found.map((alert) => alert.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) throw alertsNotFound(missing);
  return found.reduce<AlertSeverity>((top, alert) => (SEVERITIES.indexOf(alert.severity) > SEVERITIES.indexOf(top) ? alert.severity : top), 'info');
}

/**
 * Escalates alerts into a case: the join rows, the case's controls (its own merged with the new alerts'), an ALERT
 * event per alert on the case timeline and an entry on each alert's own timeline. Answers the alerts' audit entries, for the caller's one append.
 */
export async function linkAlerts(tx: ScopedTx, ctx: LinkContext, alertIds: string[]): Promise<AuditEntry[]> {
  const { caseId, tenantId, actor, now } = ctx;
  await tx.threatCaseAlert.createMany({ data: alertIds.map((alertId) => ({ caseId, alertId, tenantId, linkedAt: now, linkedBy: actor })) });
  await tx.$executeRaw(addAlertControlsToCaseSql(caseId, alertIds));
  await writeLinkTimelines(tx, ctx, alertIds, 'linked');
  return alertIds.map((alertId) => ({
    tenantId,
    action: 'alert.add_to_threat_case',
    resourceType: 'alert',
    resourceId: alertId,
    details: { threat_case_id: caseId },
  }));
}

/** The reverse of linkAlerts: join rows removed, ALERT_UNLINKED events, alert timeline entries, audit entries. */
export async function unlinkAlerts(tx: ScopedTx, ctx: LinkContext, alertIds: string[]): Promise<AuditEntry[]> {
  const { caseId, tenantId } = ctx;
  await tx.threatCaseAlert.deleteMany({ where: { caseId, alertId: { in: alertIds } } });
  await tx.$executeRaw(refreshCaseControlsSql([caseId]));
  await writeLinkTimelines(tx, ctx, alertIds, 'unlinked');
  return alertIds.map((alertId) => ({
    tenantId,
    action: 'alert.remove_from_threat_case',
    resourceType: 'alert',
    resourceId: alertId,
    details: { threat_case_id: caseId },
  }));
}

async function writeLinkTimelines(tx: ScopedTx, ctx: LinkContext, alertIds: string[], change: 'linked' | 'unlinked'): Promise<void> {
  const { caseId, tenantId, actor, now } = ctx;
  await tx.threatCaseEvent.createMany({
    data: alertIds.map((alertId) => ({
      id: publicId('tce', now.getTime()),
      tenantId,
      caseId,
      type: change === 'linked' ? ('ALERT' as const) : ('ALERT_UNLINKED' as const),
      alertId,
      userId: actor,
      at: now,
      message: change === 'linked' ? 'Alert linked to the case' : 'Alert unlinked from the case',
    })),
  });
  await tx.alertTimelineEntry.createMany({
    data: alertIds.map((alertId) => ({
      id: publicId('atl', now.getTime()),
      tenantId,
      alertId,
      at: now,
      actor,
      action: change === 'linked' ? 'added_to_threat_case' : 'removed_from_threat_case',
      details: { threat_case_id: caseId },
    })),
  });
}
