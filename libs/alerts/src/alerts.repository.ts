import { Injectable } from '@nestjs/common';

import { cursorColumns, CursorValue, dateRange, idFloor, parseInstant, SortDirection, SortValue } from '@app/common';
import { Alert, alertIdSkewMs, PlainSql, Prisma, scopedTenant, tenantCondition, tenantKeyCondition, TenantScope } from '@app/database';

import { AlertSortKey } from './dto/alert-enums';
import { AlertFilterDto } from './dto/alert-filter.dto';

/** Columns in Prisma's field names, so raw rows are `Alert`s (Prisma maps timestamps and jsonb itself). */
export const ALERT_COLUMNS = Prisma.sql`a.id, a.tenant_id AS "tenantId", a.type, a.source, a.title, a.message, a.severity::text AS severity,
  a.status::text AS status, a.assignee, a.alertable_type::text AS "alertableType", a.alertable_id AS "alertableId",
  a.alert_rule_id AS "alertRuleId", a.alert_rule_name AS "alertRuleName",
  a.alert_rule_description AS "alertRuleDescription", a.alert_rule_active AS "alertRuleActive", a.alert_rule_analytic_id AS "alertRuleAnalyticId", a.system_key AS "systemKey", a.alertname,
  a.fingerprint, a.stream_id AS "streamId", a.site_id AS "siteId", a.instance, a.event, a.labels, a.annotations, a.receiver, a.generator_url AS "generatorUrl",
  a.truncated_fields AS "truncatedFields", a.follow_up_status::text AS "followUpStatus", a.follow_up_notes AS "followUpNotes", a.starts_at AS "startsAt",
  a.ends_at AS "endsAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.acknowledged_at AS "acknowledgedAt",
  a.acknowledged_by AS "acknowledgedBy", a.escalated_at AS "escalatedAt", a.escalated_by AS "escalatedBy",
  a.resolved_at AS "resolvedAt", a.resolved_by AS "resolvedBy", a.dismissed_at AS "dismissedAt",
  a.dismissed_by AS "dismissedBy", a.version, a.controls, a.tags, a.duplicate_count AS "duplicateCount", a.last_received_at AS "lastReceivedAt",
  a.shelved_until AS "shelvedUntil", a.shelved_by AS "shelvedBy", a.maintenance_window_id AS "maintenanceWindowId"`;

/**
 * `a.created_at >= t`, with the id range it implies: an alert's id carries its creation time (publicId, held
 * by the trigger alert_keys_insert; an alert stored before that may carry a time up to alertIdSkewMs()
 * later, never earlier), and alerts are partitioned by id range, one month each (prisma/sql/partitions.sql),
 * so the id condition names the partitions to read and the planner skips the others. The time condition
 * stays for the indexes that lead with created_at. The bounds are constants made here: an expression the
 * planner had to evaluate cost more planning than the pruning saved (docs/BENCHMARKS.md).
 */
export function createdSince(t: Date): Prisma.Sql {
  return ulidTime(t) ? Prisma.sql`a.created_at >= ${t} AND a.id >= ${idFloor('alr', t.getTime())}` : Prisma.sql`a.created_at >= ${t}`;
}

/** `a.created_at < t`, with the id range it implies (createdSince), widened by alertIdSkewMs(). */
export function createdBefore(t: Date): Prisma.Sql {
  const bound = idBefore(t.getTime());
  return bound ? Prisma.sql`a.created_at < ${t} AND a.id < ${bound}` : Prisma.sql`a.created_at < ${t}`;
}

/** The lowest id of an alert created at `time` (ms) or later, widened by alertIdSkewMs(): every alert created before has a lower id. */
function idBefore(time: number): string | null {
  const widened = new Date(time + alertIdSkewMs());
  return ulidTime(new Date(time)) && ulidTime(widened) ? idFloor('alr', widened.getTime()) : null;
}

/**
 * Where a page newest first looks first (AlertsRepository.read): from the start of the month before the
 * cursor's time (or now). Only when the filter names no time of its own, whose range already names its
 * months; null otherwise.
 */
function recentWindow(request: AlertPageRequest, after: [CursorValue, string] | null): Date | null {
  const { filter } = request;
  if (request.sortBy !== 'created_at' || request.direction !== 'desc' || filter.created_from || filter.created_to || filter.open_at) return null;
  const from = after ? new Date(cursorColumns(after[0], 1)[0] as string | number | Date) : new Date();
  if (!ulidTime(from)) return null;
  return new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - 1, 1));
}

/** Whether a ULID can carry the time (48 bits of milliseconds since 1970): else no id range is implied. */
function ulidTime(t: Date): boolean {
  return t.getTime() >= 0 && t.getTime() < 2 ** 48;
}

interface SortColumn {
  expr: Prisma.Sql;
  /** The type a cursor's value of the column is cast back to. */
  type: Prisma.Sql;
}

const column = (expr: Prisma.Sql, type: string): SortColumn => ({ expr, type: Prisma.raw(type) });
const CREATED_AT = column(Prisma.sql`a.created_at`, 'timestamptz');
const LAST_RECEIVED_AT = Prisma.sql`COALESCE(a.last_received_at, a.created_at)`;

/**
 * Each sort: its columns before the id tie-breaker, and a row's value for them (one value, or one per
 * column). Every column runs in the requested direction, so each sort is an index order read either way:
 * severity and status sort by rank, then by created_at, as the (tenant_id, severity|status, created_at, id)
 * indexes are. ends_at sorts open alerts (no end) as 'infinity'.
 */
const SORTS: Record<AlertSortKey, { columns: SortColumn[]; value: (alert: Alert) => SortValue }> = {
  created_at: { columns: [CREATED_AT], value: (a) => a.createdAt },
  updated_at: { columns: [column(Prisma.sql`a.updated_at`, 'timestamptz')], value: (a) => a.updatedAt },
  starts_at: { columns: [column(Prisma.sql`a.starts_at`, 'timestamptz')], value: (a) => a.startsAt },
  ends_at: { columns: [column(Prisma.sql`COALESCE(a.ends_at, 'infinity'::timestamptz)`, 'timestamptz')], value: (a) => a.endsAt ?? 'infinity' },
  severity: { columns: [column(Prisma.sql`a.severity`, 'alert_severity'), CREATED_AT], value: (a) => [a.severity, a.createdAt] },
  status: { columns: [column(Prisma.sql`a.status`, 'alert_status'), CREATED_AT], value: (a) => [a.status, a.createdAt] },
  title: { columns: [column(Prisma.sql`a.title`, 'varchar')], value: (a) => a.title },
  instance: { columns: [column(Prisma.sql`a.instance`, 'varchar')], value: (a) => a.instance },
  duplicate_count: { columns: [column(Prisma.sql`a.duplicate_count`, 'int')], value: (a) => a.duplicateCount },
  // Null until the first repeat: last received when created (the expression of alerts_tenant_last_received_idx).
  last_received_at: { columns: [column(LAST_RECEIVED_AT, 'timestamptz')], value: (a) => a.lastReceivedAt ?? a.createdAt },
  alertname: { columns: [column(Prisma.sql`COALESCE(a.alertname, '')`, 'varchar')], value: (a) => a.alertname ?? '' },
  id: { columns: [], value: () => [] },
};

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function anyOf(column: Prisma.Sql, values: string[] | undefined, cast = ''): Prisma.Sql | null {
  if (!values?.length) return null;
  return cast ? Prisma.sql`${column} = ANY(${values}::${Prisma.raw(cast)}[])` : Prisma.sql`${column} = ANY(${values})`;
}

/**
 * `open_at`: the alert existed at `t` and its status at `t` was not resolved or dismissed. The status at
 * `t` is the to_status of the alert's last timeline entry at or before `t` that changed the status
 * (reopenings included); an alert without such an entry (loaded without a timeline) is closed at `t`
 * when its resolved_at or dismissed_at is at or before `t`.
 * The first condition narrows the candidates through the (tenant, status, created_at) and (tenant,
 * updated_at) indexes: an alert open at `t` is either open now or was closed, and so changed, after `t`
 * (every writer, the seed included, keeps updated_at at or after the lifecycle timestamps).
 */
function openAt(t: Date): Prisma.Sql {
  return Prisma.sql`(${createdBefore(new Date(t.getTime() + 1))}
    AND (a.status IN ('open', 'acknowledged', 'escalated') OR a.updated_at > ${t})
    AND NOT COALESCE(
      (SELECT tl.to_status IN ('resolved', 'dismissed') FROM alert_timeline tl
        WHERE tl.alert_id = a.id AND tl.to_status IS NOT NULL AND tl.at <= ${t} ORDER BY tl.at DESC, tl.id DESC LIMIT 1),
      a.resolved_at <= ${t} OR a.dismissed_at <= ${t},
      false))`;
}

/**
 * `shelved`: true, only alerts shelved now; false, only the others; any (or absent), both. A shelf whose
 * time has passed counts as gone at once, before the sweep writes its `unshelved` entry.
 */
function shelvedCondition(shelved: AlertFilterDto['shelved']): Prisma.Sql | null {
  if (shelved === 'true') return Prisma.sql`a.shelved_until > now()`;
  if (shelved === 'false') return Prisma.sql`(a.shelved_until IS NULL OR a.shelved_until <= now())`;
  return null;
}

/**
 * `suppressed`: alerts a maintenance window suppressed (true), the others (false, also when absent: the
 * default list, counts, statistics and exports leave suppressed alerts out), or both (any).
 */
function suppressedCondition(suppressed: AlertFilterDto['suppressed']): Prisma.Sql | null {
  if (suppressed === 'any') return null;
  return suppressed === 'true' ? Prisma.sql`a.maintenance_window_id IS NOT NULL` : Prisma.sql`a.maintenance_window_id IS NULL`;
}

/**
 * The WHERE of an alert query within `scope` (one tenant, or every tenant for admin); raw SQL is not
 * covered by the tenancy extension, so this is where the tenant is applied.
 */
export function alertWhere(filter: AlertFilterDto, scope: TenantScope): Prisma.Sql {
  const range = dateRange(filter);
  const conditions = [
    tenantCondition(scope, Prisma.sql`a.tenant_id`),
    anyOf(Prisma.sql`a.type`, filter.type),
    anyOf(Prisma.sql`a.severity`, filter.severity, 'alert_severity'),
    anyOf(Prisma.sql`a.status`, filter.status, 'alert_status'),
    filter.source ? Prisma.sql`a.source ILIKE ${likePattern(filter.source)}` : null,
    anyOf(Prisma.sql`a.alertname`, filter.alertname),
    anyOf(Prisma.sql`a.assignee`, filter.assignee),
    anyOf(Prisma.sql`a.alertable_type`, filter.alertable_type, 'alertable_type'),
    filter.alertable_id ? Prisma.sql`a.alertable_id = ${filter.alertable_id}` : null,
    anyOf(Prisma.sql`a.alert_rule_id`, filter.alert_rule_id),
    anyOf(Prisma.sql`a.system_key`, filter.system_key),
    anyOf(Prisma.sql`a.stream_id`, filter.stream_id),
    anyOf(Prisma.sql`a.site_id`, filter.site_id),
    anyOf(Prisma.sql`a.instance`, filter.instance),
    anyOf(Prisma.sql`a.follow_up_status`, filter.follow_up_status, 'follow_up_status'),
    ...(filter.label ?? []).map((label) => {
      const at = label.indexOf(':');
      return Prisma.sql`a.labels @> ${JSON.stringify({ [label.slice(0, at)]: label.slice(at + 1) })}::jsonb`;
    }),
    // The expression of alerts_search_trgm_idx (prisma/sql/alert_search_index.sql), so the index serves it.
    filter.q ? Prisma.sql`alert_search_text(a.title, a.message, a.source, a.alertable_id, a.alert_rule_name) ILIKE ${likePattern(filter.q)}` : null,
    range.gte ? createdSince(range.gte) : null,
    range.lt ? createdBefore(range.lt) : null,
    filter.control?.length ? Prisma.sql`a.controls && ${filter.control}::text[]` : null,
    // Both served by alerts_tags_idx (GIN over the array).
    filter.tag?.length ? Prisma.sql`a.tags && ${filter.tag}::text[]` : null,
    filter.tags_all?.length ? Prisma.sql`a.tags @> ${filter.tags_all}::text[]` : null,
    filter.open_at ? openAt(parseInstant(filter.open_at, filter.timezone ?? 'UTC') as Date) : null,
    filter.min_duplicate_count ? Prisma.sql`a.duplicate_count >= ${filter.min_duplicate_count}` : null,
    filter.last_received_from ? Prisma.sql`${LAST_RECEIVED_AT} >= ${parseInstant(filter.last_received_from, filter.timezone ?? 'UTC')}` : null,
    filter.last_received_to ? Prisma.sql`${LAST_RECEIVED_AT} < ${parseInstant(filter.last_received_to, filter.timezone ?? 'UTC')}` : null,
    shelvedCondition(filter.shelved),
    suppressedCondition(filter.suppressed),
  ].filter((condition): condition is Prisma.Sql => condition !== null);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

/**
 * The filter as its SQL needs it: a default that leaves suppressed alerts out (`suppressed` absent) or the
 * list's shelved ones (`shelved=false`) is dropped when the scope holds no such alert now. The rows are the
 * same, but the condition keeps the planner from counting through an index alone: at 1,000,000 alerts one
 * tenant's severity counts took 290 ms with it and 15 ms without (docs/BENCHMARKS.md). Two index probes
 * (tenant, maintenance_window_id) and (shelved_until), a fraction of a millisecond.
 */
export async function sqlFilter(sql: PlainSql, filter: AlertFilterDto, scope: TenantScope): Promise<AlertFilterDto> {
  const checkSuppressed = filter.suppressed === undefined;
  const checkShelved = filter.shelved === 'false';
  if ((!checkSuppressed && !checkShelved) || PREPARED.get(filter) === scopeKey(scope)) return filter;
  const tenant = tenantCondition(scope, Prisma.sql`a.tenant_id`);
  const within = tenant ? Prisma.sql`AND ${tenant}` : Prisma.empty;
  const [found] = await sql.read<{ suppressed: boolean; shelved: boolean }>(Prisma.sql`
    SELECT ${checkSuppressed ? Prisma.sql`EXISTS (SELECT 1 FROM alerts a WHERE a.maintenance_window_id IS NOT NULL ${within})` : Prisma.sql`true`} AS suppressed,
           ${checkShelved ? Prisma.sql`EXISTS (SELECT 1 FROM alerts a WHERE a.shelved_until > now() ${within})` : Prisma.sql`true`} AS shelved`);
  const prepared: AlertFilterDto = {
    ...filter,
    ...(checkSuppressed && !found.suppressed ? { suppressed: 'any' as const } : {}),
    ...(checkShelved && !found.shelved ? { shelved: 'any' as const } : {}),
  };
  PREPARED.set(prepared, scopeKey(scope));
  return prepared;
}

/**
 * Filters sqlFilter answered, with the scope they were prepared for: given again in that scope (a list's count,
 * then its page) they are used as they are; in another, probed again (a scope without suppressed alerts
 * must not lend its `any` to one with them).
 */
const PREPARED = new WeakMap<AlertFilterDto, string>();

function scopeKey(scope: TenantScope): string {
  return scopedTenant(scope) ?? '*';
}

export interface AlertPageRequest {
  filter: AlertFilterDto;
  scope: TenantScope;
  sortBy: AlertSortKey;
  direction: SortDirection;
  take: number;
}

/** The exact count of the alerts a filter matches. */
export function countSql(filter: AlertFilterDto, scope: TenantScope): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${alertWhere(filter, scope)}`;
}

/** The count, stopping after `limit` matching rows (read in any order, so through whichever index serves the filter). */
export function countUpToSql(filter: AlertFilterDto, scope: TenantScope, limit: number): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM alerts a ${alertWhere(filter, scope)} LIMIT ${limit}) matching`;
}

/** One alert by primary key (the tenant as tenantParam, so a tenant newer than the statistics is not walked). */
export function alertByIdSql(id: string, scope: TenantScope): Prisma.Sql {
  const tenant = tenantKeyCondition(scope, Prisma.sql`a.tenant_id`);
  return Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = ${id} ${tenant ? Prisma.sql`AND ${tenant}` : Prisma.empty}`;
}

/** Alert reads in SQL: keyset conditions as row comparisons, which the (tenant, column, id) indexes serve. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly sql: PlainSql) {}

  sortValue(sortBy: AlertSortKey, alert: Alert): SortValue {
    return SORTS[sortBy].value(alert);
  }

  /** The filter as its SQL needs it (sqlFilter), for the several reads of one list to share: it holds for `scope` only. */
  prepare(filter: AlertFilterDto, scope: TenantScope): Promise<AlertFilterDto> {
    return sqlFilter(this.sql, filter, scope);
  }

  async count(filter: AlertFilterDto, scope: TenantScope): Promise<number> {
    const rows = await this.sql.read<{ n: number }>(countSql(await sqlFilter(this.sql, filter, scope), scope));
    return rows[0].n;
  }

  async countUpTo(filter: AlertFilterDto, scope: TenantScope, limit: number): Promise<number> {
    const rows = await this.sql.read<{ n: number }>(countUpToSql(await sqlFilter(this.sql, filter, scope), scope, limit));
    return rows[0].n;
  }

  /**
   * The planner's estimate of the count: the rows EXPLAIN expects of the matching rows' query, which is
   * planned and not run (the statistics of the tenant, severity, status, … columns, multiplied as if
   * independent).
   */
  async estimateCount(filter: AlertFilterDto, scope: TenantScope): Promise<number> {
    const where = alertWhere(await sqlFilter(this.sql, filter, scope), scope);
    const rows = await this.sql.read<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM alerts a ${where}`);
    return Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
  }

  readOffset(request: AlertPageRequest, skip: number): Promise<Alert[]> {
    return this.read(request, null, skip);
  }

  readKeyset(request: AlertPageRequest, after: [CursorValue, string] | null): Promise<Alert[]> {
    return this.read(request, after, 0);
  }

  private async read(request: AlertPageRequest, after: [CursorValue, string] | null, skip: number): Promise<Alert[]> {
    const { columns } = SORTS[request.sortBy];
    const where = alertWhere(await sqlFilter(this.sql, request.filter, request.scope), request.scope);
    const dir = Prisma.raw(request.direction === 'asc' ? 'ASC' : 'DESC');
    const key = [...columns.map((c) => c.expr), Prisma.sql`a.id`];
    let keyset = Prisma.empty;
    if (after) {
      // One row comparison over the whole key, an index condition of the sort's index.
      const op = Prisma.raw(request.direction === 'asc' ? '>' : '<');
      const scalars = cursorColumns(after[0], columns.length);
      const values = scalars.map((value, i) => Prisma.sql`${value}::${columns[i].type}`);
      let condition = Prisma.sql`(${Prisma.join(key)}) ${op} (${Prisma.join([...values, Prisma.sql`${after[1]}`])})`;
      // In creation order the cursor's time bounds the ids still to read (createdSince): the id condition
      // names their partitions.
      const time = request.sortBy === 'created_at' ? new Date(scalars[0] as string | number | Date) : null;
      if (time && ulidTime(time)) {
        const bound = request.direction === 'asc' ? idFloor('alr', time.getTime()) : idBefore(time.getTime() + 1);
        if (bound) condition = Prisma.sql`${condition} AND a.id ${request.direction === 'asc' ? Prisma.raw('>=') : Prisma.raw('<')} ${bound}`;
      }
      keyset = where === Prisma.empty ? Prisma.sql`WHERE ${condition}` : Prisma.sql`AND ${condition}`;
    }
    const order = Prisma.join(key.map((expr) => Prisma.sql`${expr} ${dir}`));
    const page = (window: Prisma.Sql) =>
      this.sql.read<Alert>(
        Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a ${where} ${keyset} ${window} ORDER BY ${order} LIMIT ${request.take} OFFSET ${skip}`,
      );
    const since = recentWindow(request, after);
    if (since) {
      // Newest first and no time named: the last month or two first (two partitions to plan and read, not
      // every month). A full page there is the page, since every row outside is older than every row in it.
      const recent = await page(Prisma.sql`${where === Prisma.empty && keyset === Prisma.empty ? Prisma.sql`WHERE` : Prisma.sql`AND`} ${createdSince(since)}`);
      if (recent.length === request.take) return recent;
    }
    return page(Prisma.empty);
  }

  /** Ids matching a filter after `afterId`, in id order: bulk actions walk a filter with this. */
  async idsAfter(filter: AlertFilterDto, scope: TenantScope, afterId: string, take: number): Promise<string[]> {
    const where = alertWhere(await sqlFilter(this.sql, filter, scope), scope);
    const keyset = where === Prisma.empty ? Prisma.sql`WHERE a.id > ${afterId}` : Prisma.sql`AND a.id > ${afterId}`;
    return this.sql
      .read<{ id: string }>(Prisma.sql`SELECT a.id FROM alerts a ${where} ${keyset} ORDER BY a.id LIMIT ${take}`)
      .then((rows) => rows.map((row) => row.id));
  }

  /** One alert, if it is within the scope. */
  async findById(id: string, scope: TenantScope): Promise<Alert | null> {
    const [alert] = await this.sql.read<Alert>(alertByIdSql(id, scope));
    return alert ?? null;
  }
}
