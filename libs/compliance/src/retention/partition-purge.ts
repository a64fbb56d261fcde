import { Injectable, Logger } from '@nestjs/common';

import { appendAuditEventsSql, AuditEntry } from '@app/audit-trail';
import { AlertMonth, alertMonths, partitionName, PlainSql, Prisma, SqlRun } from '@app/database';

import { refreshCaseControlsSql } from '../controls/case-controls';
import { DEFAULT_SETTINGS } from '../settings/tenant-settings';
import { DroppedPartitionDto, MAX_DROPPED_MONTHS, MAX_LISTED_PURGES } from './dto/retention-purge.dto';
import { purgeActor, retentionCutoff } from './purge-terms';
import { retentionLock } from './retention-lock';

interface TenantShare {
  tenant_id: string;
  retention_days: number;
  alerts: number;
  oldest: Date;
  newest: Date;
  alert_ids_sha256: string;
}

/**
 * The retention purge's whole months: a monthly partition of alerts (prisma/sql/partitions.sql) in which
 * every alert has expired for its own tenant (closed, and last changed before the tenant's retention) and
 * no legal hold touches any of them (the tenant's, or a case's the alert is linked to) is detached and
 * dropped with its timeline's partition, instead of deleted row by row.
 * - What referenced its alerts goes first, in the same transaction: links to cases (their controls
 *   refreshed), observables' links, idempotency keys, identities, and the hourly counts (a delta that
 *   takes the month's alerts out, since dropping fires no trigger).
 * - Each tenant with alerts in it gets a retention.purge event of its own, in the same transaction: the
 *   month, the count, the time range and the SHA-256 of the ids, as a row-by-row purge records them.
 * - The month's writers wait from the check to the commit, its readers only for the detach at the end (a
 *   lock of the parents given up after 2 s: the month is then tried again by the next run).
 * A month that any alert keeps is left whole to the row-by-row purge.
 */
@Injectable()
export class PartitionPurge {
  private readonly logger = new Logger(PartitionPurge.name);

  constructor(private readonly sql: PlainSql) {}

  /** Drops every month that has expired whole; answers what was dropped, oldest first. */
  async dropExpired(now: Date): Promise<DroppedPartitionDto[]> {
    const [shortest] = await this.sql.rows<{ days: number | null }>(Prisma.sql`
      SELECT min(COALESCE(s.retention_days, ${DEFAULT_SETTINGS.retentionDays}))::int AS days
        FROM tenants t LEFT JOIN compliance_settings s ON s.tenant_id = t.id`);
    if (shortest.days === null) return [];
    // An alert is last changed at or after its creation: a month that ends after the shortest retention's
    // cutoff holds alerts that have not expired anywhere.
    const horizon = retentionCutoff(now, shortest.days).getTime();
    const dropped: DroppedPartitionDto[] = [];
    for (const month of await alertMonths(this.sql)) {
      const end = Date.UTC(month.month.getUTCFullYear(), month.month.getUTCMonth() + 1, 1);
      if (end > horizon || dropped.length === MAX_DROPPED_MONTHS) break;
      // A month that cannot be dropped now (a lock not granted in time, a deadlock) is left to the next run;
      // the row-by-row purge goes on either way.
      const result = await this.drop(month, now).catch((error: Error) => {
        this.logger.warn(`${month.name} not dropped this time: ${error.message}`);
        return null;
      });
      if (result) dropped.push(result);
    }
    return dropped;
  }

  private async drop(month: AlertMonth, now: Date): Promise<DroppedPartitionDto | null> {
    const alerts = Prisma.raw(`"${month.name}"`);
    const timeline = partitionName('alert_timeline', month.month);
    const [{ found: hasTimeline }] = await this.sql.rows<{ found: boolean }>(Prisma.sql`SELECT to_regclass(${timeline}) IS NOT NULL AS found`);
    const months = hasTimeline ? Prisma.sql`${alerts}, ${Prisma.raw(`"${timeline}"`)}` : alerts;
    return this.sql.transaction(async (run) => {
      // No alert is created in a past month (its id is made from the clock): the tenants in it stay those.
      const tenants = await run<{ tenant_id: string }>(Prisma.sql`SELECT DISTINCT tenant_id FROM ${alerts} ORDER BY tenant_id`);
      await run(Prisma.sql`SET LOCAL lock_timeout = '10s'`);
      // The tenants' retention locks first, in id order, as a hold or a purge batch takes one of them. Then
      // the month's writers wait, and so does a new reference to its alerts (a case link's key share), so
      // that nothing changes between the check and the drop; its readers go on.
      for (const { tenant_id: tenant } of tenants) await run(retentionLock(tenant));
      await run(Prisma.sql`LOCK TABLE ${months} IN EXCLUSIVE MODE`);
      const kept = await run(Prisma.sql`
        SELECT 1 FROM ${alerts} a LEFT JOIN compliance_settings s ON s.tenant_id = a.tenant_id
         WHERE a.status NOT IN ('resolved', 'dismissed')
            OR a.updated_at >= ${now}::timestamptz - COALESCE(s.retention_days, ${DEFAULT_SETTINGS.retentionDays}) * interval '86400 seconds'
            OR EXISTS (SELECT 1 FROM legal_holds h WHERE h.tenant_id = a.tenant_id AND h.scope = 'tenant' AND h.released_at IS NULL)
            OR EXISTS (SELECT 1 FROM threat_case_alerts l JOIN legal_holds h ON h.threat_case_id = l.case_id AND h.released_at IS NULL WHERE l.alert_id = a.id)
         LIMIT 1`);
      if (kept.length > 0) return null;
      const shares = await run<TenantShare>(Prisma.sql`
        SELECT a.tenant_id, COALESCE(s.retention_days, ${DEFAULT_SETTINGS.retentionDays})::int AS retention_days, count(*)::int AS alerts,
               min(a.created_at) AS oldest, max(a.created_at) AS newest,
               encode(sha256(convert_to(string_agg(a.id || chr(10), '' ORDER BY a.id COLLATE "C"), 'UTF8')), 'hex') AS alert_ids_sha256
          FROM ${alerts} a LEFT JOIN compliance_settings s ON s.tenant_id = a.tenant_id
         GROUP BY a.tenant_id, s.retention_days ORDER BY a.tenant_id`);
      const entries = hasTimeline
        ? await countBy(run, Prisma.sql`SELECT tenant_id, count(*)::int AS n FROM ${Prisma.raw(`"${timeline}"`)} GROUP BY tenant_id`)
        : new Map<string, number>();
      const links = await run<{ case_id: string; tenant_id: string }>(
        Prisma.sql`DELETE FROM threat_case_alerts l USING ${alerts} a WHERE l.alert_id = a.id RETURNING l.case_id, l.tenant_id`,
      );
      await run(Prisma.sql`DELETE FROM threat_case_observable_alerts o USING ${alerts} a WHERE o.alert_id = a.id`);
      await run(Prisma.sql`DELETE FROM idempotency_keys k USING ${alerts} a WHERE k.tenant_id = a.tenant_id AND k.resource_id = a.id`);
      await run(Prisma.sql`DELETE FROM alert_identities i USING ${alerts} a WHERE i.alert_id = a.id AND i.tenant_id = a.tenant_id`);
      // What the DELETE trigger of alerts would have appended (prisma/sql/alert_hourly_counts.sql).
      await run(Prisma.sql`
        INSERT INTO alert_hourly_count_deltas (tenant_id, hour, severity, status, source, type, suppressed, count)
        SELECT tenant_id, date_trunc('hour', created_at, 'UTC'), severity, status, source, type, maintenance_window_id IS NOT NULL, -count(*)::int
          FROM ${alerts} GROUP BY 1, 2, 3, 4, 5, 6, 7`);
      if (links.length) await run(refreshCaseControlsSql([...new Set(links.map((link) => link.case_id))]));
      const linksOf = new Map<string, number>();
      for (const link of links) linksOf.set(link.tenant_id, (linksOf.get(link.tenant_id) ?? 0) + 1);
      const events: string[] = [];
      for (const share of shares) {
        const details = {
          partition: month.name,
          tenant_id: share.tenant_id,
          retention_days: share.retention_days,
          cutoff: retentionCutoff(now, share.retention_days).toISOString(),
          held: false,
          alerts_purged: share.alerts,
          alert_timeline_entries_purged: entries.get(share.tenant_id) ?? 0,
          threat_case_links_removed: linksOf.get(share.tenant_id) ?? 0,
          alert_ids_sha256: share.alert_ids_sha256,
          time_range: { from: share.oldest.toISOString(), to: share.newest.toISOString() },
        };
        const entry: AuditEntry = {
          tenantId: share.tenant_id,
          action: 'retention.purge',
          resourceType: 'retention',
          resourceId: share.tenant_id,
          outcome: 'success',
          actor: purgeActor(),
          details,
        };
        const [event] = await appendAuditEventsSql(run, share.tenant_id, [entry], now);
        if (events.length < MAX_LISTED_PURGES) events.push(event);
      }
      // Last, the parents: detaching takes each one's exclusive lock, which the readers of every month wait
      // for. Taken in the writers' order (alerts, then the timeline), and given up after 2 s rather than
      // hold the readers queued behind it.
      await run(Prisma.sql`SET LOCAL lock_timeout = '2s'`);
      await run(Prisma.sql`LOCK TABLE ONLY alerts, ONLY alert_timeline IN ACCESS EXCLUSIVE MODE`);
      for (const [parent, table] of [...(hasTimeline ? [['alert_timeline', timeline]] : []), ['alerts', month.name]]) {
        await run(Prisma.sql`ALTER TABLE ${Prisma.raw(parent)} DETACH PARTITION ${Prisma.raw(`"${table}"`)}`);
        await run(Prisma.sql`DROP TABLE ${Prisma.raw(`"${table}"`)}`);
      }
      const purged = shares.reduce((sum, share) => sum + share.alerts, 0);
      this.logger.log(`dropped ${month.name}: ${purged} expired alerts of ${shares.length} tenants`);
      return { partition: month.name, month: month.month.toISOString(), alerts_purged: purged, tenant_count: shares.length, audit_event_ids: events };
    });
  }
}

async function countBy(run: SqlRun, statement: Prisma.Sql): Promise<Map<string, number>> {
  return new Map((await run<{ tenant_id: string; n: number }>(statement)).map((row) => [row.tenant_id, row.n]));
}
