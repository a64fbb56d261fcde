import { Injectable } from '@nestjs/common';

import { appendAuditEvents } from '@app/audit-trail';
import { alertChangedEvents, appendOutboxEvents } from '@app/events';
import { Principal, publicId } from '@app/common';
import { CompliancePolicies, matchControls, refreshCaseControlsOfAlertsSql } from '@app/compliance';
import { InjectScopedPrisma, Prisma, requestScope, ScopedPrismaClient } from '@app/database';

import { AlertsRepository } from './alerts.repository';
import { ControlRulesAppliedDto } from './dto/alert.dto';
import { AlertFilterDto } from './dto/alert-filter.dto';

const CHUNK = 500;

/**
 * Re-applies the tenants' control rules to existing alerts (after a rule was added or changed): each
 * alert gains the controls of every rule it matches now. Controls are only added, never removed: a
 * control given by hand, or by a rule since changed, stays until someone removes it (PUT/PATCH).
 * Walks the filter in id order, 500 alerts per transaction, like bulk actions.
 */
@Injectable()
export class AlertControlsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly repository: AlertsRepository,
    private readonly policies: CompliancePolicies,
  ) {}

  async reapply(filter: AlertFilterDto, principal: Principal): Promise<ControlRulesAppliedDto> {
    const scope = requestScope(principal, filter.tenant_id);
    const result = { matched: 0, updated: 0 };
    let after = '';
    for (;;) {
      const ids = await this.repository.idsAfter(filter, scope, after, CHUNK);
      if (ids.length === 0) break;
      result.matched += ids.length;
      result.updated += await this.applyChunk(ids, principal);
      after = ids[ids.length - 1];
    }
    return result;
  }

  private applyChunk(ids: string[], principal: Principal): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<
          { id: string; tenant_id: string; type: string; source: string; labels: Record<string, unknown>; controls: string[] | null }[]
        >`
        SELECT id, tenant_id, type, source, labels, controls FROM alerts WHERE id = ANY(${ids}) ORDER BY id FOR UPDATE`;
        const now = new Date();
        const changed: { id: string; tenantId: string; from: string[]; to: string[] }[] = [];
        for (const row of rows) {
          const { rules } = await this.policies.get(row.tenant_id);
          const from = row.controls ?? [];
          const to = matchControls(rules, row, from);
          if (to.join(',') !== from.join(',')) changed.push({ id: row.id, tenantId: row.tenant_id, from, to });
        }
        if (changed.length === 0) return 0;
        // Control ids never hold a comma (their format is checked), so each list travels as one text.
        await tx.$executeRaw`
        UPDATE alerts a SET controls = string_to_array(v.controls, ','), updated_at = ${now}, version = a.version + 1
          FROM unnest(${changed.map((c) => c.id)}::text[], ${changed.map((c) => c.to.join(','))}::text[]) AS v(id, controls)
         WHERE a.id = v.id`;
        await tx.alertTimelineEntry.createMany({
          data: changed.map((c) => ({
            id: publicId('atl', now.getTime()),
            tenantId: c.tenantId,
            alertId: c.id,
            at: now,
            actor: principal.subject,
            action: 'controls_updated',
            details: { from: c.from, to: c.to, via: 'control_rules' },
          })),
        });
        const updated = await tx.alert.findMany({ where: { id: { in: changed.map((c) => c.id) } } });
        await appendOutboxEvents(
          tx,
          updated.flatMap((alert) => alertChangedEvents(alert, alert.status)),
          now,
        );
        // Cases before the tenant's audit lock, as case changes take them: the other order deadlocked with them.
        await tx.$executeRaw(refreshCaseControlsOfAlertsSql(changed.map((c) => c.id)));
        // Last: the audit append takes the tenant's chain lock, held until the commit.
        for (const tenant of new Set(changed.map((c) => c.tenantId))) {
          const entries = changed
            .filter((c) => c.tenantId === tenant)
            .map((c) => ({
              tenantId: tenant,
              action: 'alert.controls',
              resourceType: 'alert',
              resourceId: c.id,
              details: { from: c.from, to: c.to, via: 'control_rules' } as Prisma.InputJsonObject,
            }));
          await appendAuditEvents(tx, tenant, entries, now);
        }
        return changed.length;
      },
      { timeout: 60_000 },
    );
  }
}
