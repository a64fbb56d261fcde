import { Injectable } from '@nestjs/common';

import { appendAuditEvents } from '@app/audit-trail';
import { publicId } from '@app/common';
import { Prisma, PrismaService } from '@app/database';
import { alertChangedEvents, AlertEventFields, appendOutboxEvents } from '@app/events';

/** Alerts unshelved per transaction: a sweep after a long outage works through them a batch at a time. */
const SWEEP_BATCH = 500;

/** Who the timeline and the audit trail name for a shelf that ran out. */
export const SHELF_SWEEPER = 'system:shelf-expiry';

interface Unshelved extends AlertEventFields {
  shelvedUntil: Date;
}

/**
 * Brings shelved alerts back when their time passes. Reads already treat an expired shelf as gone (the
 * filter compares with now()); the sweep makes it so in the row, with an `unshelved` timeline entry, an
 * `alert.unshelve` audit event and an alert.updated event. Rows another transaction holds are skipped
 * (SKIP LOCKED) and taken by the next sweep, so two workers never unshelve one alert twice.
 */
@Injectable()
export class UnshelveSweepService {
  constructor(private readonly db: PrismaService) {}

  /** Answers how many alerts came back. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.batch();
      total += count;
      if (count < SWEEP_BATCH) return total;
    }
  }

  private batch(): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const now = new Date();
      const rows = await tx.$queryRaw<Unshelved[]>(Prisma.sql`
        WITH expired AS (
          SELECT id, shelved_until FROM alerts WHERE shelved_until <= ${now} ORDER BY shelved_until LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED)
        UPDATE alerts a SET shelved_until = NULL, shelved_by = NULL, updated_at = ${now}, version = a.version + 1
          FROM expired e WHERE a.id = e.id
        RETURNING a.id, a.tenant_id AS "tenantId", a.status::text AS status, a.severity::text AS severity, a.type, a.source, a.title, a.controls,
                  a.version, a.updated_at AS "updatedAt", a.maintenance_window_id AS "maintenanceWindowId", a.duplicate_count AS "duplicateCount",
                  e.shelved_until AS "shelvedUntil"`);
      if (rows.length === 0) return 0;
      await tx.alertTimelineEntry.createMany({
        data: rows.map((row) => ({
          id: publicId('atl', now.getTime()),
          tenantId: row.tenantId,
          alertId: row.id,
          at: now,
          actor: SHELF_SWEEPER,
          action: 'unshelved',
          details: { reason: 'expired', shelved_until: row.shelvedUntil.toISOString() },
        })),
      });
      await appendOutboxEvents(
        tx,
        rows.flatMap((row) => alertChangedEvents(row, row.status)),
        now,
      );
      // Last: each tenant's audit append takes its chain lock, held until the commit (in tenant order, as every writer).
      const tenants = [...new Set(rows.map((row) => row.tenantId))].sort();
      for (const tenantId of tenants) {
        await appendAuditEvents(
          tx,
          tenantId,
          rows
            .filter((row) => row.tenantId === tenantId)
            .map((row) => ({
              tenantId,
              action: 'alert.unshelve',
              resourceType: 'alert',
              resourceId: row.id,
              details: { reason: 'expired', shelved_until: row.shelvedUntil.toISOString() },
            })),
          now,
        );
      }
      return rows.length;
    });
  }
}
