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
 * first and last hours from the alerts.
 */

/** Every count: the folded ones and the deltas not folded yet, which a reader adds up. */
const COUNTED = Prisma.sql`(SELECT tenant_id, hour, severity, status, source, type, suppressed, count FROM alert_hourly_counts
  UNION ALL SELECT tenant_id, hour, severity, status, source, type, suppressed, count FROM alert_hourly_count_deltas)`;

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

/** Whether the counts can answer a statistic over `filter` (after sqlFilter): only the counted fields are set, and nothing that depends on the time of the request (shelved). */
export function countsAnswer(filter: AlertFilterDto): boolean {
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    if (!COUNTED_FIELDS.has(field) && !STATS_PARAMETERS.has(field)) return false;
  }
  return filter.shelved === undefined || filter.shelved === 'any';
}

const HOUR_MS = 3_600_000;

/** The whole UTC hours of a range: the counts serve [from, to); the alerts the rest of the range. Unbounded sides stay open. */
function wholeHours(filter: AlertFilterDto): { from?: Date; to?: Date } | null {
  const range = dateRange(filter);
  const from = range.gte ? new Date(Math.ceil(range.gte.getTime() / HOUR_MS) * HOUR_MS) : undefined;
  const to = range.lt ? new Date(Math.floor(range.lt.getTime() / HOUR_MS) * HOUR_MS) : undefined;
  return from && to && to <= from ? null : { from, to };
}

/** The counts' WHERE for `filter`'s conditions over the hours [from, to), as alertWhere writes them for the alerts. */
function countsWhere(filter: AlertFilterDto, scope: TenantScope, hours: { from?: Date; to?: Date }): Prisma.Sql {
  const conditions = [
    tenantCondition(scope, Prisma.sql`r.tenant_id`),
    anyOf(Prisma.sql`r.type`, filter.type),
    anyOf(Prisma.sql`r.severity`, filter.severity, 'alert_severity'),
    anyOf(Prisma.sql`r.status`, filter.status, 'alert_status'),
    filter.source ? Prisma.sql`r.source ILIKE ${likePattern(filter.source)}` : null,
    filter.suppressed === 'any' ? null : Prisma.sql`r.suppressed = ${filter.suppressed === 'true'}`,
    hours.from ? Prisma.sql`r.hour >= ${hours.from}` : null,
    hours.to ? Prisma.sql`r.hour < ${hours.to}` : null,
  ].filter((condition): condition is Prisma.Sql => condition !== null);
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
}

/**
 * `(group, n)` rows (n > 0) over the alerts `filter` selects, `group` being a list of expressions over the
 * alerts (alias a) and the same over the counts (alias r), e.g. a time bucket and a dimension. From the
 * counts when they answer (`countsAnswer` held and the range has a whole hour), else from the alerts alone.
 */
export function groupedCounts(
  filter: AlertFilterDto,
  scope: TenantScope,
  group: { alerts: Prisma.Sql[]; counts: Prisma.Sql[] },
  useCounts: boolean,
): Prisma.Sql {
  const where = alertWhere(filter, scope);
  const positions = Prisma.raw(group.alerts.map((_, i) => i + 1).join(', '));
  const alerts = (extra: Prisma.Sql | null) =>
    Prisma.sql`SELECT ${Prisma.join(group.alerts)}, count(*) AS n FROM alerts a ${extra ? (where === Prisma.empty ? Prisma.sql`WHERE ${extra}` : Prisma.sql`${where} AND ${extra}`) : where} GROUP BY ${positions}`;
  const hours = useCounts ? wholeHours(filter) : null;
  let parts = alerts(null);
  if (hours) {
    const counted = Prisma.sql`SELECT ${Prisma.join(group.counts)}, sum(r.count) AS n FROM ${COUNTED} r ${countsWhere(filter, scope, hours)} GROUP BY ${positions}`;
    // The partial hours at the range's ends, from the alerts.
    const edges = [hours.from ? Prisma.sql`a.created_at < ${hours.from}` : null, hours.to ? Prisma.sql`a.created_at >= ${hours.to}` : null].filter(
      (edge): edge is Prisma.Sql => edge !== null,
    );
    parts = edges.length ? Prisma.sql`${counted} UNION ALL ${alerts(Prisma.sql`(${Prisma.join(edges, ' OR ')})`)}` : counted;
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
