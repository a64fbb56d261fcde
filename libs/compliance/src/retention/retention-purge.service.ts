import { Inject, Injectable, Logger } from '@nestjs/common';

import { appendAuditEvent, AuditEntry } from '@app/audit-trail';
import { ProblemException, ProblemTypes } from '@app/common';
import { PlainSql, Prisma, PrismaService, SqlRun, tenantParam } from '@app/database';

import { refreshCaseControlsSql } from '../controls/case-controls';
import { activeTenantHoldSql } from '../holds/tenant-hold';
import { DEFAULT_SETTINGS } from '../settings/tenant-settings';
import { MAX_LISTED_PURGES, RetentionPurgeResultDto, TenantPurgeDto } from './dto/retention-purge.dto';
import { PartitionPurge } from './partition-purge';
import { purgeActor, retentionCutoff } from './purge-terms';
import { retentionLock } from './retention-lock';
import { SortedIdsDigest } from './sorted-ids-digest';
import { RETAINED_FILES, RetainedFiles } from './retention-queue';

const ALERT_BATCH = 1_000;
const EXPORT_BATCH = 200;

interface Progress {
  alerts: number;
  timeline: number;
  links: number;
  exportJobs: number;
  files: number;
  oldest: Date | null;
  newest: Date | null;
  alertIds: SortedIdsDigest;
  exportIds: SortedIdsDigest;
}

/**
 * The retention purge. Whole expired months of alerts are dropped as partitions (PartitionPurge); then, for each tenant, closed (resolved or dismissed) alerts whose last change is older
 * than the tenant's retention are deleted with their timeline, their threat case links and their
 * idempotency keys, and finished export jobs as old are deleted with their files; nothing under an
 * active legal hold (of the tenant, or of a case the alert is linked to) is touched. The audit trail is
 * never purged. Each tenant's run ends with one `retention.purge` event: the counts, the time range and
 * the SHA-256 of the purged ids.
 *
 * Memory stays bounded: the candidates are read through a server-side cursor in byte order of their ids
 * (so the id digest streams), and deleted in batches of 1,000, each in its own transaction under the
 * tenant's retention lock, re-checking every condition (a hold placed meanwhile wins).
 */
@Injectable()
export class RetentionPurgeService {
  private readonly logger = new Logger(RetentionPurgeService.name);

  constructor(
    private readonly sql: PlainSql,
    private readonly prisma: PrismaService,
    @Inject(RETAINED_FILES) private readonly files: RetainedFiles,
    private readonly months: PartitionPurge,
  ) {}

  /** One tenant (404 when there is none), or every tenant. */
  async run(tenantId?: string, now = new Date()): Promise<RetentionPurgeResultDto> {
    if (!tenantId) return this.purgeAll(now);
    const [tenant] = await this.sql.rows(Prisma.sql`SELECT 1 FROM tenants WHERE id = ${tenantId}`);
    if (!tenant) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'tenant', id: tenantId } });
    const result = await this.purgeTenant(tenantId, now);
    return { tenants: [result], tenant_count: 1, alerts_purged: result.alerts_purged, partitions_dropped: [] };
  }

  /**
   * Every tenant (the daily job): first the months of alerts that have expired whole (PartitionPurge), then
   * each tenant's other expired alerts row by row, one tenant after another. A tenant that fails is reported
   * and the rest go on.
   */
  async purgeAll(now = new Date()): Promise<RetentionPurgeResultDto> {
    const dropped = await this.months.dropExpired(now);
    const tenants = await this.sql.rows<{ id: string }>(Prisma.sql`SELECT id FROM tenants ORDER BY id`);
    const results: TenantPurgeDto[] = [];
    const failures: string[] = [];
    let alertsPurged = dropped.reduce((sum, month) => sum + month.alerts_purged, 0);
    for (const { id } of tenants) {
      try {
        const result = await this.purgeTenant(id, now);
        alertsPurged += result.alerts_purged;
        if (results.length < MAX_LISTED_PURGES) results.push(result);
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`);
        this.logger.error(`retention purge of ${id} failed: ${(error as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`retention purge failed for ${failures.length} tenant(s): ${failures.join('; ')}`);
    return { tenants: results, tenant_count: tenants.length, alerts_purged: alertsPurged, partitions_dropped: dropped };
  }

  async purgeTenant(tenantId: string, now = new Date()): Promise<TenantPurgeDto> {
    const [settings] = await this.sql.rows<{ retention_days: number }>(
      Prisma.sql`SELECT retention_days FROM compliance_settings WHERE tenant_id = ${tenantId}`,
    );
    const retentionDays = settings?.retention_days ?? DEFAULT_SETTINGS.retentionDays;
    const cutoff = retentionCutoff(now, retentionDays);
    const progress: Progress = {
      alerts: 0,
      timeline: 0,
      links: 0,
      exportJobs: 0,
      files: 0,
      oldest: null,
      newest: null,
      alertIds: new SortedIdsDigest(),
      exportIds: new SortedIdsDigest(),
    };
    const held = await this.tenantHeld(tenantId);
    try {
      if (!held) {
        await this.purgeAlerts(tenantId, cutoff, progress);
        await this.purgeExports(tenantId, cutoff, progress);
      }
    } catch (error) {
      await this.record(tenantId, retentionDays, cutoff, held, progress, (error as Error).message).catch(() => undefined);
      throw error;
    }
    return this.record(tenantId, retentionDays, cutoff, held, progress, null);
  }

  private async tenantHeld(tenantId: string): Promise<boolean> {
    const rows = await this.sql.rows(activeTenantHoldSql(tenantId));
    return rows.length > 0;
  }

  private async purgeAlerts(tenantId: string, cutoff: Date, progress: Progress): Promise<void> {
    await this.sql.snapshot(async (read) => {
      await read(Prisma.sql`
        DECLARE expired_alerts NO SCROLL CURSOR FOR
         SELECT a.id FROM alerts a
          WHERE a.tenant_id = ${tenantId} AND a.status IN ('resolved', 'dismissed') AND a.updated_at < ${cutoff}
          ORDER BY a.id COLLATE "C"`);
      for (;;) {
        const batch = await read<{ id: string }>(Prisma.sql`FETCH ${Prisma.raw(String(ALERT_BATCH))} FROM expired_alerts`);
        if (batch.length === 0) break;
        await this.deleteAlerts(
          tenantId,
          cutoff,
          batch.map((row) => row.id),
          progress,
        );
        if (batch.length < ALERT_BATCH) break;
      }
    });
  }

  /** One batch: every condition checked again under the lock; dependants first (timeline, case links, idempotency keys), then the alerts. */
  private deleteAlerts(tenantId: string, cutoff: Date, candidates: string[], progress: Progress): Promise<void> {
    return this.sql.transaction(async (run) => {
      await run(retentionLock(tenantId));
      const eligible = await run<{ id: string; created_at: Date }>(Prisma.sql`
        SELECT a.id, a.created_at FROM alerts a
         WHERE a.id = ANY(${candidates}) AND a.tenant_id = ${tenantParam(tenantId)} AND a.status IN ('resolved', 'dismissed') AND a.updated_at < ${cutoff}
           AND NOT EXISTS (${activeTenantHoldSql(tenantId)})
           AND NOT EXISTS (SELECT 1 FROM threat_case_alerts l JOIN legal_holds h ON h.threat_case_id = l.case_id AND h.released_at IS NULL WHERE l.alert_id = a.id)
         FOR UPDATE OF a`);
      if (eligible.length === 0) return;
      const ids = new Set(eligible.map((row) => row.id));
      const doomed = candidates.filter((id) => ids.has(id));
      const timeline = await count(run, Prisma.sql`DELETE FROM alert_timeline WHERE alert_id = ANY(${doomed}) RETURNING 1`);
      const links = await run<{ case_id: string }>(Prisma.sql`DELETE FROM threat_case_alerts WHERE alert_id = ANY(${doomed}) RETURNING case_id`);
      await run(Prisma.sql`DELETE FROM idempotency_keys WHERE tenant_id = ${tenantId} AND resource_id = ANY(${doomed})`);
      await run(Prisma.sql`DELETE FROM alerts WHERE id = ANY(${doomed})`);
      if (links.length) await run(refreshCaseControlsSql([...new Set(links.map((link) => link.case_id))]));
      for (const id of doomed) progress.alertIds.add(id);
      for (const { created_at: at } of eligible) {
        if (!progress.oldest || at < progress.oldest) progress.oldest = at;
        if (!progress.newest || at > progress.newest) progress.newest = at;
      }
      progress.alerts += doomed.length;
      progress.timeline += timeline;
      progress.links += links.length;
    });
  }

  /** Finished export jobs (not pending or processing) created before the cutoff: files first, then the rows. */
  private async purgeExports(tenantId: string, cutoff: Date, progress: Progress): Promise<void> {
    let after = '';
    for (;;) {
      const jobs = await this.sql.rows<{ id: string; storage_key: string | null }>(Prisma.sql`
        SELECT id, storage_key FROM export_jobs
         WHERE tenant_id = ${tenantId} AND created_at < ${cutoff} AND status NOT IN ('pending', 'processing') AND id COLLATE "C" > ${after}
         ORDER BY id COLLATE "C" LIMIT ${EXPORT_BATCH}`);
      if (jobs.length === 0) return;
      after = jobs[jobs.length - 1].id;
      await this.sql.transaction(async (run) => {
        await run(retentionLock(tenantId));
        if ((await run(activeTenantHoldSql(tenantId))).length) return;
        const deleted = new Set(
          (
            await run<{ id: string }>(
              Prisma.sql`DELETE FROM export_jobs WHERE id = ANY(${jobs.map((job) => job.id)}) AND status NOT IN ('pending', 'processing') RETURNING id`,
            )
          ).map((row) => row.id),
        );
        for (const job of jobs) {
          if (!deleted.has(job.id)) continue;
          progress.exportIds.add(job.id);
          progress.exportJobs++;
          // Removed inside the transaction: a file that cannot be removed keeps its row (and fails the run).
          if (job.storage_key) {
            await this.files.remove(job.storage_key);
            progress.files++;
          }
        }
      });
      if (jobs.length < EXPORT_BATCH) return;
    }
  }

  /** The tenant's one retention.purge event (outcome failure, with what was done, when the run broke off). */
  private async record(
    tenantId: string,
    retentionDays: number,
    cutoff: Date,
    held: boolean,
    progress: Progress,
    failure: string | null,
  ): Promise<TenantPurgeDto> {
    const result: Omit<TenantPurgeDto, 'audit_event_id'> = {
      tenant_id: tenantId,
      retention_days: retentionDays,
      cutoff: cutoff.toISOString(),
      held,
      alerts_purged: progress.alerts,
      alert_timeline_entries_purged: progress.timeline,
      threat_case_links_removed: progress.links,
      export_jobs_purged: progress.exportJobs,
      export_files_removed: progress.files,
      alert_ids_sha256: progress.alertIds.hex(),
      export_job_ids_sha256: progress.exportIds.hex(),
      time_range: { from: progress.oldest?.toISOString() ?? null, to: progress.newest?.toISOString() ?? null },
    };
    const entry: AuditEntry = {
      tenantId,
      action: 'retention.purge',
      resourceType: 'retention',
      resourceId: tenantId,
      outcome: failure ? 'failure' : 'success',
      actor: purgeActor(),
      details: { ...result, ...(failure ? { error: failure } : {}) } as unknown as Prisma.InputJsonObject,
    };
    const event = await this.prisma.$transaction((tx) => appendAuditEvent(tx, entry));
    if (progress.alerts || progress.exportJobs)
      this.logger.log(`${tenantId}: purged ${progress.alerts} alerts and ${progress.exportJobs} export jobs older than ${cutoff.toISOString()}`);
    return { ...result, audit_event_id: event.id };
  }
}

async function count(run: SqlRun, statement: Prisma.Sql): Promise<number> {
  return (await run(statement)).length;
}
