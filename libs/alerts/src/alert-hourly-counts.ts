import { dateRange } from '@app/common';
import { Prisma, tenantCondition, TenantScope } from '@app/database';

import { alertWhere, anyOf, likePattern } from './alerts.repository';
import { AlertFilterDto } from './dto/alert-filter.dto';

/**
 * Statistics read from alert_hourly_counts (prisma/sql/alert_hourly_counts.sql): the alerts' counts per
 * tenant, UTC hour of created_at, severity, status, source, type and suppressed, with the deltas that
 * statement triggers append in the same transaction as every write of alerts and the worker folds in
 * (HourlyCountsFolder). A tenant's count rows grow with its hours and its distinct keys, not with its alerts.
 * The answer is the one the alerts give: the whole hours of the range come from the counts and its partial
 * first and last hours from the alerts. Where neither the filter nor the grouping names a source or a type,
 * the whole UTC days come from alert_daily_counts (prisma/sql/alert_daily_counts.sql), a few thousand rows
 * for a tenant's year, and only the hours around them from the hourly counts.
 */

/** Every count: the folded ones and the deltas not folded yet, which a reader adds up. */
const COUNTED = Prisma.sql`(SELECT tenant_id, hour, severity, status, source, type, suppressed, count FROM alert_hourly_counts
  UNION ALL SELECT tenant_id, hour, severity, status, source, type, suppressed, count FROM alert_hourly_count_deltas)`;

type Span = { from?: Date; to?: Date };

/**
 * Every daily count of the days [from, to): the folded ones and the deltas not folded yet, by their UTC day.
 * The deltas are bounded by their own hour (the days are whole), so that their index serves.
 */
function dailyCounted(days: Span): Prisma.Sql {
  const bounds = [days.from ? Prisma.sql`hour >= ${days.from}` : null, days.to ? Prisma.sql`hour < ${days.to}` : null].filter(
    (bound): bound is Prisma.Sql => bound !== null,
  );
  return Prisma.sql`(SELECT tenant_id, day, severity, status, suppressed, count FROM alert_daily_counts
  UNION ALL SELECT tenant_id, date_trunc('day', hour, 'UTC'), severity, status, suppressed, count FROM alert_hourly_count_deltas
  ${bounds.length ? Prisma.sql`WHERE ${Prisma.join(bounds, ' AND ')}` : Prisma.empty})`;
}

/** The filter fields the counts answer (beside the statistics' own parameters); any other needs the alerts. */
const COUNTED_FIELDS = new Set(['tenant_id', 'created_from', 'created_to', 'timezone', 'severity', 'status', 'source', 'type', 'suppressed', 'shelved']);
const STATS_PARAMETERS = new Set(['interval', 'group_by', 'limit']);

/** A dimension of the statistics, as the alerts and as the counts hold it. */
export type CountedDimension = 'severity' | 'status' | 'source' | 'type';

const ALERT_COLUMN: Record<CountedDimension, Prisma.Sql> = {
  severity: Prisma.sql`a.severity::text`,
  status: Prisma.sql`a.status::text`,
  source: Prisma.sql`a.source`,
  type: Prisma.sql`a.type`,
};
const COUNT_COLUMN: Record<CountedDimension, Prisma.Sql> = {
  severity: Prisma.sql`r.severity::text`,
  status: Prisma.sql`r.status::text`,
  source: Prisma.sql`r.source`,
  type: Prisma.sql`r.type`,
};
/** The daily counts hold no source and no type. */
const DAY_COLUMN: Record<CountedDimension, Prisma.Sql | null> = {
  severity: Prisma.sql`d.severity::text`,
  status: Prisma.sql`d.status::text`,
  source: null,
  type: null,
};

/** Whether the counts can answer a statistic over `filter` (after sqlFilter): only the counted fields are set, and nothing that depends on the time of the request (shelved). */
export function countsAnswer(filter: AlertFilterDto): boolean {
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    if (!COUNTED_FIELDS.has(field) && !STATS_PARAMETERS.has(field)) return false;
  }
  return filter.shelved === undefined || filter.shelved === 'any';
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The whole UTC hours of a range: the counts serve [from, to); the alerts the rest of the range. Unbounded sides stay open. */
function wholeHours(filter: AlertFilterDto): Span | null {
  const range = dateRange(filter);
  const from = range.gte ? new Date(Math.ceil(range.gte.getTime() / HOUR_MS) * HOUR_MS) : undefined;
  const to = range.lt ? new Date(Math.floor(range.lt.getTime() / HOUR_MS) * HOUR_MS) : undefined;
  return from && to && to <= from ? null : { from, to };
}

/** The whole UTC days within whole hours: the daily counts serve [from, to). Unbounded sides stay open. */
function wholeDays(hours: Span): Span | null {
  const from = hours.from ? new Date(Math.ceil(hours.from.getTime() / DAY_MS) * DAY_MS) : undefined;
  const to = hours.to ? new Date(Math.floor(hours.to.getTime() / DAY_MS) * DAY_MS) : undefined;
  return from && to && to <= from ? null : { from, to };
}

/** The hours that whole days leave at either end of `hours`: [hours.from, days.from) and [days.to, hours.to). */
function hoursAround(hours: Span, days: Span | null): Span[] {
  if (!days) return [hours];
  const spans: Span[] = [];
  if (days.from && (hours.from as Date) < days.from) spans.push({ from: hours.from, to: days.from });
  if (days.to && days.to < (hours.to as Date)) spans.push({ from: days.to, to: hours.to });
  return spans;
}

/**
 * The WHERE of counts (alias `alias`, column `column` for their time) for `filter`'s conditions over [from, to),
 * as alertWhere writes them for the alerts; the daily counts have no source and no type, and are only asked
 * when the filter names neither.
 */
function countsWhere(filter: AlertFilterDto, scope: TenantScope, alias: 'r' | 'd', span: Span): Prisma.Sql {
  const column = (name: string) => Prisma.raw(`${alias}.${name}`);
  const time = column(alias === 'r' ? 'hour' : 'day');
  const conditions = [
    tenantCondition(scope, column('tenant_id')),
    alias === 'r' ? anyOf(column('type'), filter.type) : null,
    anyOf(column('severity'), filter.severity, 'alert_severity'),
    anyOf(column('status'), filter.status, 'alert_status'),
    alias === 'r' && filter.source ? Prisma.sql`${column('source')} ILIKE ${likePattern(filter.source)}` : null,
    filter.suppressed === 'any' ? null : Prisma.sql`${column('suppressed')} = ${filter.suppressed === 'true'}`,
    span.from ? Prisma.sql`${time} >= ${span.from}` : null,
    span.to ? Prisma.sql`${time} < ${span.to}` : null,
  ].filter((condition): condition is Prisma.Sql => condition !== null);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

/**
 * `(group, n)` rows (n > 0) over the alerts `filter` selects, `group` being a list of expressions over the
 * alerts (alias a), the same over the hourly counts (alias r) and, where the daily counts can give them, over
 * those (alias d): e.g. a time bucket and a dimension. From the counts when they answer (`countsAnswer` held
 * and the range has a whole hour), else from the alerts alone; the whole days from the daily counts when
 * `group.days` is given and the filter names no source and no type.
 */
export function groupedCounts(
  filter: AlertFilterDto,
  scope: TenantScope,
  group: { alerts: Prisma.Sql[]; counts: Prisma.Sql[]; days?: Prisma.Sql[] },
  useCounts: boolean,
): Prisma.Sql {
  const where = alertWhere(filter, scope);
  const positions = Prisma.raw(group.alerts.map((_, i) => i + 1).join(', '));
  const alerts = (extra: Prisma.Sql | null) =>
    Prisma.sql`SELECT ${Prisma.join(group.alerts)}, count(*) AS n FROM alerts a ${extra ? (where === Prisma.empty ? Prisma.sql`WHERE ${extra}` : Prisma.sql`${where} AND ${extra}`) : where} GROUP BY ${positions}`;
  const hours = useCounts ? wholeHours(filter) : null;
  let parts = alerts(null);
  if (hours) {
    const days = group.days && !filter.source && !filter.type?.length ? wholeDays(hours) : null;
    const counted = [
      ...(days && group.days
        ? [
            Prisma.sql`SELECT ${Prisma.join(group.days)}, sum(d.count) AS n FROM ${dailyCounted(days)} d ${countsWhere(filter, scope, 'd', days)} GROUP BY ${positions}`,
          ]
        : []),
      // One statement a span, each an index range of its own (an OR of two ranges would read the days between).
      ...hoursAround(hours, days).map(
        (span) =>
          Prisma.sql`SELECT ${Prisma.join(group.counts)}, sum(r.count) AS n FROM ${COUNTED} r ${countsWhere(filter, scope, 'r', span)} GROUP BY ${positions}`,
      ),
    ];
    // The partial hours at the range's ends, from the alerts.
    const edges = [hours.from ? Prisma.sql`a.created_at < ${hours.from}` : null, hours.to ? Prisma.sql`a.created_at >= ${hours.to}` : null].filter(
      (edge): edge is Prisma.Sql => edge !== null,
    );
    if (edges.length) counted.push(alerts(Prisma.sql`(${Prisma.join(edges, ' OR ')})`));
    parts = Prisma.join(counted, ' UNION ALL ');
  }
  const names = Prisma.raw(group.alerts.map((_, i) => `g${i}`).join(', '));
  return Prisma.sql`SELECT ${names}, sum(n)::bigint AS n FROM (${parts}) x(${names}, n) GROUP BY ${names} HAVING sum(n) > 0`;
}

/** A dimension as a column of the alerts (alias a). */
export function alertColumn(dimension: CountedDimension): Prisma.Sql {
  return ALERT_COLUMN[dimension];
}

/** A dimension as a column of the counts (alias r). */
export function countColumn(dimension: CountedDimension): Prisma.Sql {
  return COUNT_COLUMN[dimension];
}

/** A dimension as a column of the daily counts (alias d), or null for one they do not hold (source, type). */
export function dayColumn(dimension: CountedDimension): Prisma.Sql | null {
  return DAY_COLUMN[dimension];
}
