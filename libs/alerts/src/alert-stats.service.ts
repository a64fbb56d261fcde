import { Injectable } from '@nestjs/common';

import { dateRange, Principal, ProblemException, ProblemTypes } from '@app/common';
import { PlainSql, Prisma, requestScope } from '@app/database';

import { alertWhere } from './alerts.repository';
import { SEVERITIES, STATUSES } from './dto/alert-enums';
import { AlertFilterDto } from './dto/alert-filter.dto';
import { GroupStatsDto, GroupStatsQueryDto, MAX_BUCKETS, ResponseTimesDto, StatsInterval, TimeseriesDto, TimeseriesQueryDto } from './dto/alert-stats.dto';

type Dimension = 'severity' | 'status' | 'source' | 'type';

const COLUMN: Record<Dimension, Prisma.Sql> = {
  severity: Prisma.sql`a.severity::text`,
  status: Prisma.sql`a.status::text`,
  source: Prisma.sql`a.source`,
  type: Prisma.sql`a.type`,
};
/** Enumerated dimensions answer every value, zeros included, in rank order. */
const ALL_VALUES: Partial<Record<Dimension, readonly string[]>> = { severity: [...SEVERITIES].reverse(), status: STATUSES };
const DEFAULT_SPAN_MS: Record<StatsInterval, number> = { hour: 48 * 3_600_000, day: 30 * 86_400_000, week: 26 * 7 * 86_400_000 };
const BUCKET_MS: Record<StatsInterval, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** Statistics over the alerts the list's filters select, computed in SQL. */
@Injectable()
export class AlertStatsService {
  constructor(private readonly sql: PlainSql) {}

  async groups(dimension: Dimension, query: GroupStatsQueryDto, principal: Principal): Promise<GroupStatsDto> {
    const where = alertWhere(query, requestScope(principal, query.tenant_id));
    const all = ALL_VALUES[dimension];
    // An enumerated dimension always answers every value, so `limit` applies to the open ones only.
    const limit = all ? Prisma.empty : Prisma.sql`LIMIT ${query.limit ?? 50}`;
    const rows = await this.sql.rows<{ key: string; count: number }>(
      Prisma.sql`SELECT ${COLUMN[dimension]} AS key, count(*)::int AS count FROM alerts a ${where} GROUP BY 1 ORDER BY 2 DESC, 1 ${limit}`,
    );
    const groups = all ? all.map((key) => ({ key, count: rows.find((row) => row.key === key)?.count ?? 0 })) : rows;
    const total = all ? groups.reduce((sum, group) => sum + group.count, 0) : await this.total(query, principal);
    return { dimension, total, groups };
  }

  private async total(filter: AlertFilterDto, principal: Principal): Promise<number> {
    const [row] = await this.sql.rows<{ n: number }>(
      Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${alertWhere(filter, requestScope(principal, filter.tenant_id))}`,
    );
    return row.n;
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
    const filter: AlertFilterDto = { ...query, created_from: from.toISOString(), created_to: to.toISOString() };
    const where = alertWhere(filter, requestScope(principal, query.tenant_id));
    const unit = Prisma.raw(`'${interval}'`);
    const step = Prisma.raw(`'1 ${interval}'`);
    const rows = await this.sql.rowsInTimeZone<{ start: Date; local_start: string; count: number }>(
      zone,
      Prisma.sql`
        WITH counts AS (SELECT date_trunc(${unit}, a.created_at) AS bucket, count(*)::int AS n FROM alerts a ${where} GROUP BY 1)
        SELECT s.bucket AS start, to_char(s.bucket, 'YYYY-MM-DD"T"HH24:MI:SSOF') AS local_start, COALESCE(c.n, 0)::int AS count
          FROM generate_series(date_trunc(${unit}, ${from}::timestamptz), ${to}::timestamptz - interval '1 microsecond', ${step}::interval) AS s(bucket)
          LEFT JOIN counts c ON c.bucket = s.bucket
         ORDER BY s.bucket`,
    );
    return {
      interval,
      timezone: zone,
      from: from.toISOString(),
      to: to.toISOString(),
      buckets: rows.map((row) => ({ start: row.start.toISOString(), local_start: row.local_start.replace(/([+-]\d{2})$/, '$1:00'), count: row.count })),
    };
  }

  /** Mean, p50 and p90 of time to acknowledge and to resolve, per severity, over alerts that got there. */
  async responseTimes(query: AlertFilterDto, principal: Principal): Promise<ResponseTimesDto[]> {
    const where = alertWhere(query, requestScope(principal, query.tenant_id));
    return toResponseTimes(await this.sql.rows(responseTimesSql(where)));
  }
}

/** Seconds to acknowledge and to resolve, as timeToAcknowledge and timeToResolve define them (null until reached). */
const ACK_SECONDS = Prisma.sql`extract(epoch FROM a.acknowledged_at - a.created_at)`;
const RESOLVE_SECONDS = Prisma.sql`CASE WHEN a.resolved_at IS NOT NULL THEN GREATEST(extract(epoch FROM a.resolved_at - LEAST(a.starts_at, a.created_at)), 0) END`;

/**
 * Mean, p50 and p90 of created → acknowledged and of began (the earlier of starts_at and created_at) →
 * resolved per severity (the stats endpoint and export reports); response-times.ts gives the definitions.
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
        FROM alerts a ${where} GROUP BY 1`;
}

/** Rows of responseTimesSql, one per severity (critical first), zeros where no alert reached the state. */
export function toResponseTimes(rows: Record<string, unknown>[]): ResponseTimesDto[] {
  return [...SEVERITIES].reverse().map((severity) => {
    const row = rows.find((r) => r.severity === severity);
    const stats = (prefix: 'ack' | 'res') => ({
      count: Number(row?.[`${prefix}_count`] ?? 0),
      mean_seconds: round((row?.[`${prefix}_mean`] as number | null) ?? null),
      p50_seconds: round((row?.[`${prefix}_p50`] as number | null) ?? null),
      p90_seconds: round((row?.[`${prefix}_p90`] as number | null) ?? null),
    });
    return { severity, time_to_acknowledge: stats('ack'), time_to_resolve: stats('res') };
  });
}
