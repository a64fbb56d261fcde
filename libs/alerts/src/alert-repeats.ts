import type { AuditEntry } from '@app/audit-trail';
import { publicId } from '@app/common';
import { Prisma, tenantParam } from '@app/database';

/** The statuses in which an alert takes in its repeats; a closed alert that fires again is a new alert. */
const ACTIVE = Prisma.sql`a.status IN ('open', 'acknowledged', 'escalated')`;

/** The fields of a new alert that say what it repeats. */
export interface RepeatFields {
  fingerprint?: string | null;
  alertableType?: string | null;
  alertableId?: string | null;
  type: string;
}

/**
 * What makes a new alert a repeat of an active one (Alerta's duplicates): its fingerprint; without one,
 * its alertable and type (Alerta's resource and event). Null: nothing to repeat (no fingerprint, no alertable id).
 */
export function repeatKey(fields: RepeatFields): string | null {
  if (fields.fingerprint) return JSON.stringify(['fingerprint', fields.fingerprint]);
  if (fields.alertableId) return JSON.stringify(['alertable', fields.alertableType ?? 'manual', fields.alertableId, fields.type]);
  return null;
}

/** What a batch of new alerts comes to: the rows to insert, and which alert each repeat went to. */
export interface RepeatPlan<T> {
  fresh: { index: number; row: T }[];
  /** Index in the request → the alert it repeats (an active one found, or a fresh one earlier in the request). */
  repeatOf: Map<number, string>;
  /** Alert id → the repeats it received now. */
  received: Map<string, Received>;
}

/** The repeats one alert received in a request. */
export interface Received {
  n: number;
  /** Some repeat came outside a maintenance window: a shelved alert comes back (a suppressed repeat does not wake it). */
  wake: boolean;
}

interface ActiveAlert {
  id: string;
  fingerprint: string | null;
  alertable_type: string;
  alertable_id: string | null;
  type: string;
  created_at: Date;
  maintenance_window_id: string | null;
}

type RawQuery = <R>(sql: Prisma.Sql) => Promise<R[]>;

/**
 * Sorts new alerts into fresh ones and repeats. Takes a transaction lock per repeat key first (in key
 * order, so batches cannot deadlock), so two requests with the same new alert at once create it once;
 * the active alerts found are locked until the commit, so none is closed meanwhile. Within one request the
 * first of a key is created, the others repeat it. A repeat outside any maintenance window never goes to a
 * suppressed alert (the condition outlasted its window: it is news again), so it is created afresh.
 */
export async function planRepeats<T extends RepeatFields & { id?: unknown; maintenanceWindowId?: string | null }>(
  query: RawQuery,
  tenantId: string,
  rows: T[],
): Promise<RepeatPlan<T>> {
  const keys = rows.map(repeatKey);
  const wanted = new Set(keys.filter((key): key is string => key !== null));
  const plan: RepeatPlan<T> = { fresh: [], repeatOf: new Map(), received: new Map() };
  /** Key → the newest active alert of it, and whether it is suppressed. */
  const target = new Map<string, { id: string; suppressed: boolean }>();
  if (wanted.size) {
    // The lock call is volatile, so PostgreSQL evaluates it after the sort: the locks are taken in key order.
    await query(
      Prisma.sql`SELECT pg_advisory_xact_lock(h)::text FROM (SELECT DISTINCT hashtextextended(${tenantId} || k, 0) AS h FROM unnest(${[...wanted]}::text[]) k) keys ORDER BY h`,
    );
    const found = (await activeAlerts(query, tenantId, rows)).sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1));
    for (const alert of found) {
      const entry = { id: alert.id, suppressed: alert.maintenance_window_id !== null };
      const key = repeatKey({ fingerprint: alert.fingerprint, alertableType: alert.alertable_type, alertableId: alert.alertable_id, type: alert.type });
      // Newest first: the first one found per key is the one that takes the repeat.
      if (key && wanted.has(key) && !target.has(key)) target.set(key, entry);
      // An alert with a fingerprint is also found by its alertable (a repeat without a fingerprint names only that).
      const byAlertable = repeatKey({ alertableType: alert.alertable_type, alertableId: alert.alertable_id, type: alert.type });
      if (byAlertable && wanted.has(byAlertable) && !target.has(byAlertable)) target.set(byAlertable, entry);
    }
  }
  rows.forEach((row, index) => {
    const key = keys[index];
    const suppressed = row.maintenanceWindowId != null;
    const repeated = key === null ? undefined : target.get(key);
    if (repeated === undefined || (repeated.suppressed && !suppressed)) {
      plan.fresh.push({ index, row });
      if (key !== null) target.set(key, { id: row.id as string, suppressed });
      return;
    }
    plan.repeatOf.set(index, repeated.id);
    const before = plan.received.get(repeated.id) ?? { n: 0, wake: false };
    plan.received.set(repeated.id, { n: before.n + 1, wake: before.wake || !suppressed });
  });
  return plan;
}

/**
 * The tenant's active alerts with one of the rows' fingerprints, or (for rows without one) their alertable
 * and type, locked in id order as every writer of several alerts locks them (FOR NO KEY UPDATE: a repeat
 * changes no key, so links to the alert are not blocked). The candidates' ids come first: the fingerprints'
 * from alert_identities (one index; alerts, partitioned by month, would be searched month by month), the
 * alertables' from (tenant_id, alertable_type, alertable_id), which the match searches by naming both columns.
 */
function activeAlerts(query: RawQuery, tenantId: string, rows: RepeatFields[]): Promise<ActiveAlert[]> {
  const fingerprints = [...new Set(rows.flatMap((row) => (row.fingerprint ? [row.fingerprint] : [])))];
  const anonymous = rows.filter((row) => !row.fingerprint && row.alertableId);
  // The tenant as a parameter the planner cannot misjudge: a literal of a tenant newer than the statistics walks all its rows.
  const tenant = tenantParam(tenantId);
  const candidates = [
    fingerprints.length
      ? Prisma.sql`SELECT i.alert_id FROM alert_identities i WHERE i.tenant_id = ${tenant} AND i.fingerprint = ANY(${fingerprints}::text[])`
      : null,
    anonymous.length
      ? Prisma.sql`SELECT b.id FROM alerts b WHERE b.tenant_id = ${tenant}
          AND b.alertable_type = ANY(${[...new Set(anonymous.map((row) => row.alertableType ?? 'manual'))]}::alertable_type[])
          AND b.alertable_id = ANY(${[...new Set(anonymous.map((row) => row.alertableId as string))]}::text[])
          AND b.type = ANY(${[...new Set(anonymous.map((row) => row.type))]}::text[])`
      : null,
  ].filter((sql): sql is Prisma.Sql => sql !== null);
  return query<ActiveAlert>(Prisma.sql`
    SELECT a.id, a.fingerprint, a.alertable_type::text AS alertable_type, a.alertable_id, a.type, a.created_at, a.maintenance_window_id FROM alerts a
     WHERE a.tenant_id = ${tenant} AND ${ACTIVE} AND a.id IN (${Prisma.join(candidates, ' UNION ALL ')})
     ORDER BY a.id FOR NO KEY UPDATE OF a`);
}

/** What a repeat changed on the alert it went to. */
export interface RepeatReceived {
  id: string;
  tenantId: string;
  duplicateCount: number;
  received: number;
  /** The alert was shelved until then, and the repeat brought it back. */
  wasShelvedUntil: Date | null;
}

/**
 * Counts the repeats on their alerts (duplicate_count, last_received_at, version) and takes a shelf still
 * running off the alerts a repeat outside maintenance reached: such a repeat brings a shelved alert back.
 * An expired shelf is left for the sweep, which records it. Answers what changed, for the timelines and the audit trail.
 */
export function receiveRepeatsSql(tenantId: string, received: Map<string, Received>, now: Date): Prisma.Sql {
  const rows = JSON.stringify([...received].map(([id, { n, wake }]) => ({ id, n, wake })));
  return Prisma.sql`
    WITH r AS (SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, n int, wake boolean)),
         before AS (SELECT a.id, a.shelved_until FROM alerts a WHERE a.id IN (SELECT id FROM r) AND a.tenant_id = ${tenantParam(tenantId)})
    UPDATE alerts a
       SET duplicate_count = a.duplicate_count + r.n, last_received_at = ${now}, updated_at = ${now}, version = a.version + 1,
           shelved_until = CASE WHEN r.wake AND b.shelved_until > ${now} THEN NULL ELSE a.shelved_until END,
           shelved_by = CASE WHEN r.wake AND b.shelved_until > ${now} THEN NULL ELSE a.shelved_by END
      FROM r JOIN before b ON b.id = r.id
     WHERE a.id = r.id
    RETURNING a.id, a.tenant_id AS "tenantId", a.duplicate_count AS "duplicateCount", r.n AS received,
              CASE WHEN r.wake AND b.shelved_until > ${now} THEN b.shelved_until END AS "wasShelvedUntil"`;
}

/** The timeline entries of received repeats: one `duplicate_received` per alert, and `unshelved` where one came back. */
export function repeatTimeline(changes: RepeatReceived[], actor: string, now: Date): Prisma.AlertTimelineEntryCreateManyInput[] {
  return changes.flatMap((change) => {
    const base = { tenantId: change.tenantId, alertId: change.id, at: now, actor };
    const entries: Prisma.AlertTimelineEntryCreateManyInput[] = [
      {
        ...base,
        id: publicId('atl', now.getTime()),
        action: 'duplicate_received',
        details: { received: change.received, duplicate_count: change.duplicateCount },
      },
    ];
    if (change.wasShelvedUntil)
      entries.push({
        ...base,
        id: publicId('atl', now.getTime()),
        action: 'unshelved',
        details: { reason: 'repeat', shelved_until: change.wasShelvedUntil.toISOString() },
      });
    return entries;
  });
}

/** The audit events of received repeats, as repeatTimeline. */
export function repeatAudit(changes: RepeatReceived[]): AuditEntry[] {
  return changes.flatMap((change) => {
    const base = { tenantId: change.tenantId, resourceType: 'alert', resourceId: change.id };
    const entries: AuditEntry[] = [{ ...base, action: 'alert.duplicate', details: { received: change.received, duplicate_count: change.duplicateCount } }];
    if (change.wasShelvedUntil)
      entries.push({ ...base, action: 'alert.unshelve', details: { reason: 'repeat', shelved_until: change.wasShelvedUntil.toISOString() } });
    return entries;
  });
}
