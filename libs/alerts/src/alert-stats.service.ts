import { Injectable } from '@nestjs/common';

import { dateRange, Principal, ProblemException, ProblemTypes } from '@app/common';
import { PlainSql, Prisma, requestScope, TenantScope } from '@app/database';

import { alertColumn, countColumn, countsAnswer, dayColumn, groupedCounts } from './alert-hourly-counts';
import { alertWhere, sqlFilter } from './alerts.repository';
import { SEVERITIES, STATUSES } from './dto/alert-enums';
import { AlertFilterDto } from './dto/alert-filter.dto';
import {
  DEFAULT_SERIES_GROUPS,
  GroupStatsDto,
  GroupStatsQueryDto,
  MAX_BUCKETS,
  ResponseTimesDto,
  ResponseTimesGroup,
  SeriesGroupBy,
  StatsInterval,
  TimeseriesBucketDto,
  TimeseriesDto,
  TimeseriesQueryDto,
} from './dto/alert-stats.dto';

type Dimension = 'severity' | 'status' | 'source' | 'type';
/** Enumerated dimensions answer every value, zeros included, in rank order. */
const ALL_VALUES: Partial<Record<Dimension, readonly string[]>> = { severity: [...SEVERITIES].reverse(), status: STATUSES };
const DEFAULT_SPAN_MS: Record<StatsInterval, number> = { hour: 48 * 3_600_000, day: 30 * 86_400_000, week: 26 * 7 * 86_400_000 };
const BUCKET_MS: Record<StatsInterval, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** PostgreSQL's `OF` gives whole-hour offsets as `+02`; RFC 3339 wants `+02:00`. */
function offsetWithMinutes(localStart: string): string {
  return localStart.replace(/([+-]\d{2})$/, '$1:00');
}

/** The named sources of a grouped series, largest first: the ranks the query gave them. */
function sourcesByRank(rows: { key: string | null; rank: number | null }[]): string[] {
  const ranks = new Map<string, number>();
  for (const row of rows) if (row.key !== null && row.rank !== null) ranks.set(row.key, row.rank);
  return [...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([key]) => key);
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * Statistics over the alerts the list's filters select, computed in SQL: counts from the hourly and daily counts
 * wherever they give the same answer (alert-hourly-counts.ts), response times from the alerts.
 */
@Injectable()
export class AlertStatsService {
  /** False: every statistic reads the alerts themselves, neither the hourly nor the daily counts (the spec that compares both answers). */
  useCounts = true;

  constructor(private readonly sql: PlainSql) {}

  async groups(dimension: Dimension, query: GroupStatsQueryDto, principal: Principal): Promise<GroupStatsDto> {
    const scope = requestScope(principal, query.tenant_id);
    const filter = await sqlFilter(this.sql, query, scope);
    const all = ALL_VALUES[dimension];
    // An enumerated dimension always answers every value, so `limit` applies to the open ones only.
    const limit = all ? Prisma.empty : Prisma.sql`LIMIT ${query.limit ?? 50}`;
    const day = dayColumn(dimension);
    const counts = groupedCounts(
      filter,
      scope,
      { alerts: [alertColumn(dimension)], counts: [countColumn(dimension)], days: day ? [day] : undefined },
      this.countsAnswer(filter),
    );
    const rows = await this.sql.read<{ key: string; count: number }>(
      Prisma.sql`SELECT g0 AS key, n::int AS count FROM (${counts}) c ORDER BY 2 DESC, 1 ${limit}`,
    );
    const groups = all ? all.map((key) => ({ key, count: rows.find((row) => row.key === key)?.count ?? 0 })) : rows;
    const total = all ? groups.reduce((sum, group) => sum + group.count, 0) : await this.total(filter, scope);
    return { dimension, total, groups };
  }

  /** The alerts `filter` (prepared by sqlFilter) selects, for a dimension whose groups are cut to `limit`. */
  private async total(filter: AlertFilterDto, scope: TenantScope): Promise<number> {
    const counts = groupedCounts(
      filter,
      scope,
      { alerts: [Prisma.sql`true`], counts: [Prisma.sql`true`], days: [Prisma.sql`true`] },
      this.countsAnswer(filter),
    );
    const [row] = await this.sql.read<{ n: number }>(Prisma.sql`SELECT COALESCE(sum(n), 0)::int AS n FROM (${counts}) c`);
    return row.n;
  }

  private countsAnswer(filter: AlertFilterDto): boolean {
    return this.useCounts && countsAnswer(filter);
  }

  /**
   * Counts per hour, day or week in the request's time zone, empty buckets included. The buckets are
   * made by PostgreSQL with the session time zone set, so days and weeks follow DST (23 or 25 hours).
   */
  async timeseries(query: TimeseriesQueryDto, principal: Principal): Promise<TimeseriesDto> {
    const interval = query.interval ?? 'day';
    const zone = query.timezone ?? 'UTC';
    const range = dateRange(query);
    const to = range.lt ?? new Date();
    const from = range.gte ?? new Date(to.getTime() - DEFAULT_SPAN_MS[interval]);
    if ((to.getTime() - from.getTime()) / BUCKET_MS[interval] > MAX_BUCKETS) {
      throw new ProblemException(ProblemTypes.validationError, {
        errors: [
          {
            field: 'interval',
            pointer: '/query/interval',
            code: 'range',
            description: `the range holds more than ${MAX_BUCKETS} ${interval} buckets; narrow created_from/created_to or use a larger interval`,
          },
        ],
      });
    }
    const scope = requestScope(principal, query.tenant_id);
    const filter = await sqlFilter(this.sql, { ...query, created_from: from.toISOString(), created_to: to.toISOString() } as AlertFilterDto, scope);
    const unit = Prisma.raw(`'${interval}'`);
    const step = Prisma.raw(`'1 ${interval}'`);
    const series = Prisma.sql`generate_series(date_trunc(${unit}, ${from}::timestamptz), ${to}::timestamptz - interval '1 microsecond', ${step}::interval) AS s(bucket)`;
    const localStart = Prisma.sql`to_char(s.bucket, 'YYYY-MM-DD"T"HH24:MI:SSOF')`;
    const head = { interval, timezone: zone, from: from.toISOString(), to: to.toISOString() };
    // The hourly counts serve buckets that start on whole UTC hours only (not those of a zone 30 or 45 minutes
    // off), the daily counts buckets of days or weeks that start on whole UTC days.
    const aligned = this.countsAnswer(filter) ? await this.bucketsAligned(zone, interval, series) : { hours: false, days: false };
    const bucket = {
      alerts: Prisma.sql`date_trunc(${unit}, a.created_at)`,
      counts: Prisma.sql`date_trunc(${unit}, r.hour)`,
      days: aligned.days ? Prisma.sql`date_trunc(${unit}, d.day)` : null,
    };
    if (query.group_by) {
      const day = dayColumn(query.group_by);
      const grouped = groupedCounts(
        filter,
        scope,
        {
          alerts: [bucket.alerts, alertColumn(query.group_by)],
          counts: [bucket.counts, countColumn(query.group_by)],
          days: bucket.days && day ? [bucket.days, day] : undefined,
        },
        aligned.hours,
      );
      return { ...head, ...(await this.groupedSeries(query.group_by, query.limit ?? DEFAULT_SERIES_GROUPS, zone, grouped, series, localStart)) };
    }
    const counts = groupedCounts(
      filter,
      scope,
      { alerts: [bucket.alerts], counts: [bucket.counts], days: bucket.days ? [bucket.days] : undefined },
      aligned.hours,
    );
    const rows = await this.sql.readInTimeZone<{ start: Date; local_start: string; count: number }>(
      zone,
      Prisma.sql`
        WITH counts AS (SELECT g0 AS bucket, n::int AS n FROM (${counts}) c)
        SELECT s.bucket AS start, ${localStart} AS local_start, COALESCE(c.n, 0)::int AS count
          FROM ${series}
          LEFT JOIN counts c ON c.bucket = s.bucket
         ORDER BY s.bucket`,
    );
    return { ...head, buckets: rows.map((row) => ({ start: row.start.toISOString(), local_start: offsetWithMinutes(row.local_start), count: row.count })) };
  }

  /**
   * The series split by severity or status (every value, in rank order) or by source: the `limit` sources
   * with the most alerts over the whole range, the rest folded into each bucket's `other` (the key NULL
   * below), so the answer holds at most buckets × (limit + 1) counts however many sources there are.
   */
  private async groupedSeries(
    groupBy: SeriesGroupBy,
    limit: number,
    zone: string,
    grouped: Prisma.Sql,
    series: Prisma.Sql,
    localStart: Prisma.Sql,
  ): Promise<Pick<TimeseriesDto, 'group_by' | 'groups' | 'buckets'>> {
    const all = ALL_VALUES[groupBy];
    // Severity and status have a few values, each named; only sources are cut to the largest.
    const top = all ? Prisma.empty : Prisma.sql`LIMIT ${limit}`;
    const rows = await this.sql.readInTimeZone<{ start: Date; local_start: string; key: string | null; count: number; rank: number | null }>(
      zone,
      Prisma.sql`
        WITH counts AS (SELECT g0 AS bucket, g1 AS key, n::int AS n FROM (${grouped}) c),
             top AS (SELECT key, row_number() OVER (ORDER BY sum(n) DESC, key) AS rank FROM counts GROUP BY key ORDER BY sum(n) DESC, key ${top}),
             folded AS (SELECT c.bucket, t.key, min(t.rank) AS rank, sum(c.n)::int AS n FROM counts c LEFT JOIN top t ON t.key = c.key GROUP BY 1, 2)
        SELECT s.bucket AS start, ${localStart} AS local_start, f.key, f.rank::int AS rank, COALESCE(f.n, 0)::int AS count
          FROM ${series}
          LEFT JOIN folded f ON f.bucket = s.bucket
         ORDER BY s.bucket, f.rank NULLS LAST`,
    );
    const named = all ?? sourcesByRank(rows);
    const buckets = new Map<number, TimeseriesBucketDto>();
    for (const row of rows) {
      const at = row.start.getTime();
      let bucket = buckets.get(at);
      if (!bucket) {
        bucket = { start: row.start.toISOString(), local_start: offsetWithMinutes(row.local_start), count: 0, groups: named.map((key) => ({ key, count: 0 })) };
        if (!all) bucket.other = 0;
        buckets.set(at, bucket);
      }
      bucket.count += row.count;
      const group = row.key === null ? undefined : bucket.groups?.find((g) => g.key === row.key);
      if (group) group.count += row.count;
      else if (bucket.other !== undefined) bucket.other += row.count;
    }
    return { group_by: groupBy, groups: [...named], buckets: [...buckets.values()] };
  }

  /**
   * Whether every bucket of `series` (in `zone`) starts on a whole UTC hour, so that each hour of the counts
   * falls in one bucket, and whether every bucket is a day or more starting on a whole UTC day, so that each
   * day of the daily counts does.
   */
  private async bucketsAligned(zone: string, interval: string, series: Prisma.Sql): Promise<{ hours: boolean; days: boolean }> {
    if (zone === 'UTC') return { hours: true, days: interval !== 'hour' }; // the default: no round trip to find what is always so
    const [row] = await this.sql.readInTimeZone<{ hours: boolean | null; days: boolean | null }>(
      zone,
      Prisma.sql`SELECT bool_and(extract(epoch FROM s.bucket)::bigint % 3600 = 0) AS hours, bool_and(extract(epoch FROM s.bucket)::bigint % 86400 = 0) AS days FROM ${series}`,
    );
    return { hours: row.hours !== false, days: interval !== 'hour' && row.days !== false };
  }

  /** Mean, p50 and p90 of time to acknowledge and to resolve, per severity and overall (MTTA, MTTR), over alerts that got there. */
  async responseTimes(query: AlertFilterDto, principal: Principal): Promise<ResponseTimesDto[]> {
    const scope = requestScope(principal, query.tenant_id);
    const where = alertWhere(await sqlFilter(this.sql, query, scope), scope);
    return toResponseTimes(await this.sql.read(responseTimesSql(where)), true);
  }
}

/** Seconds to acknowledge and to resolve, as timeToAcknowledge and timeToResolve define them (null until reached). */
const ACK_SECONDS = Prisma.sql`extract(epoch FROM a.acknowledged_at - a.created_at)`;
const RESOLVE_SECONDS = Prisma.sql`CASE WHEN a.resolved_at IS NOT NULL THEN GREATEST(extract(epoch FROM a.resolved_at - LEAST(a.starts_at, a.created_at)), 0) END`;

/**
 * Mean, p50 and p90 of created → acknowledged and of began (the earlier of starts_at and created_at) →
 * resolved per severity, and over every alert (the row whose severity is null: a median of all alerts is
 * not a mean of the severities' medians), for the stats endpoint and export reports; response-times.ts
 * gives the definitions.
 */
export function responseTimesSql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
      SELECT a.severity::text AS severity,
             count(a.acknowledged_at)::int AS ack_count,
             avg(${ACK_SECONDS})::float8 AS ack_mean,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ${ACK_SECONDS})::float8 AS ack_p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${ACK_SECONDS})::float8 AS ack_p90,
             count(a.resolved_at)::int AS res_count,
             avg(${RESOLVE_SECONDS})::float8 AS res_mean,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ${RESOLVE_SECONDS})::float8 AS res_p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${RESOLVE_SECONDS})::float8 AS res_p90
        FROM alerts a ${where} GROUP BY GROUPING SETS ((a.severity), ())`;
}

function responseTimesOf(severity: ResponseTimesGroup, row: Record<string, unknown> | undefined): ResponseTimesDto {
  const stats = (prefix: 'ack' | 'res') => ({
    count: Number(row?.[`${prefix}_count`] ?? 0),
    mean_seconds: round((row?.[`${prefix}_mean`] as number | null) ?? null),
    p50_seconds: round((row?.[`${prefix}_p50`] as number | null) ?? null),
    p90_seconds: round((row?.[`${prefix}_p90`] as number | null) ?? null),
  });
  return { severity, time_to_acknowledge: stats('ack'), time_to_resolve: stats('res') };
}

/**
 * Rows of responseTimesSql, one per severity (critical first), zeros where no alert reached the state;
 * with `overall`, then the row of every alert (`severity: "all"`).
 */
export function toResponseTimes(rows: Record<string, unknown>[], overall = false): ResponseTimesDto[] {
  const bySeverity = [...SEVERITIES].reverse().map((severity) =>
    responseTimesOf(
      severity,
      rows.find((r) => r.severity === severity),
    ),
  );
  return overall
    ? [
        ...bySeverity,
        responseTimesOf(
          'all',
          rows.find((r) => r.severity === null),
        ),
      ]
    : bySeverity;
}
