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
  /** Alert id → repeats received now. */
  received: Map<string, number>;
}

interface ActiveAlert {
  id: string;
  fingerprint: string | null;
  alertable_type: string;
  alertable_id: string | null;
  type: string;
}

type RawQuery = <R>(sql: Prisma.Sql) => Promise<R[]>;

/**
 * Sorts new alerts into fresh ones and repeats. Takes a transaction lock per repeat key first (in key
 * order, so batches cannot deadlock), so two requests with the same new alert at once create it once;
 * the active alerts found are locked (FOR UPDATE) until the commit, so none is closed meanwhile.
 * Within one request the first of a key is created, the others repeat it.
 */
export async function planRepeats<T extends RepeatFields & { id?: unknown }>(query: RawQuery, tenantId: string, rows: T[]): Promise<RepeatPlan<T>> {
  const keys = rows.map(repeatKey);
  const wanted = [...new Set(keys.filter((key): key is string => key !== null))];
  const plan: RepeatPlan<T> = { fresh: [], repeatOf: new Map(), received: new Map() };
  const target = new Map<string, string>();
  if (wanted.length) {
    // The lock call is volatile, so PostgreSQL evaluates it after the sort: the locks are taken in key order.
    await query(
      Prisma.sql`SELECT pg_advisory_xact_lock(h)::text FROM (SELECT DISTINCT hashtextextended(${tenantId} || k, 0) AS h FROM unnest(${wanted}::text[]) k) keys ORDER BY h`,
    );
    for (const alert of await activeAlerts(query, tenantId, rows)) {
      const key = repeatKey({ fingerprint: alert.fingerprint, alertableType: alert.alertable_type, alertableId: alert.alertable_id, type: alert.type });
      // Newest first: the first one found per key is the one that takes the repeat.
      if (key && wanted.includes(key) && !target.has(key)) target.set(key, alert.id);
      // An alert with a fingerprint is also found by its alertable (a repeat without a fingerprint names only that).
      const byAlertable = repeatKey({ alertableType: alert.alertable_type, alertableId: alert.alertable_id, type: alert.type });
      if (byAlertable && wanted.includes(byAlertable) && !target.has(byAlertable)) target.set(byAlertable, alert.id);
    }
  }
  rows.forEach((row, index) => {
    const key = keys[index];
    const repeated = key === null ? undefined : target.get(key);
    if (repeated === undefined) {
      plan.fresh.push({ index, row });
      if (key !== null) target.set(key, row.id as string);
      return;
    }
    plan.repeatOf.set(index, repeated);
    plan.received.set(repeated, (plan.received.get(repeated) ?? 0) + 1);
  });
  return plan;
}

/** The tenant's active alerts with one of the rows' fingerprints or alertables, newest first, locked. */
function activeAlerts(query: RawQuery, tenantId: string, rows: RepeatFields[]): Promise<ActiveAlert[]> {
  const fingerprints = [...new Set(rows.flatMap((row) => (row.fingerprint ? [row.fingerprint] : [])))];
  const alertableIds = [...new Set(rows.flatMap((row) => (!row.fingerprint && row.alertableId ? [row.alertableId] : [])))];
  const matches = [
    fingerprints.length ? Prisma.sql`a.fingerprint = ANY(${fingerprints}::text[])` : null,
    alertableIds.length ? Prisma.sql`a.alertable_id = ANY(${alertableIds}::text[])` : null,
  ].filter((sql): sql is Prisma.Sql => sql !== null);
  // The tenant as a parameter the planner cannot misjudge: a literal of a tenant newer than the statistics walks all its rows.
  return query<ActiveAlert>(Prisma.sql`
    SELECT a.id, a.fingerprint, a.alertable_type::text AS alertable_type, a.alertable_id, a.type FROM alerts a
     WHERE a.tenant_id = ${tenantParam(tenantId)} AND ${ACTIVE} AND (${Prisma.join(matches, ' OR ')})
     ORDER BY a.created_at DESC, a.id DESC FOR UPDATE`);
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
 * Counts the repeats on their alerts (duplicate_count, last_received_at, version) and takes any shelf off
 * them: a repeat brings a shelved alert back. Answers what changed, for the timelines and the audit trail.
 */
export function receiveRepeatsSql(tenantId: string, received: Map<string, number>, now: Date): Prisma.Sql {
  const rows = JSON.stringify([...received].map(([id, n]) => ({ id, n })));
  return Prisma.sql`
    WITH r AS (SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, n int)),
         before AS (SELECT a.id, a.shelved_until FROM alerts a WHERE a.id IN (SELECT id FROM r) AND a.tenant_id = ${tenantParam(tenantId)})
    UPDATE alerts a
       SET duplicate_count = a.duplicate_count + r.n, last_received_at = ${now}, updated_at = ${now}, version = a.version + 1,
           shelved_until = NULL, shelved_by = NULL
      FROM r JOIN before b ON b.id = r.id
     WHERE a.id = r.id
    RETURNING a.id, a.tenant_id AS "tenantId", a.duplicate_count AS "duplicateCount", r.n AS received,
              CASE WHEN b.shelved_until > ${now} THEN b.shelved_until END AS "wasShelvedUntil"`;
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
