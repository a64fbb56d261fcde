import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

import { ApiQueryEnum, ToInt } from '@app/common';

import { AlertFilterDto } from './alert-filter.dto';

/** The longest range, in buckets of its interval; a series answers at most MAX_BUCKETS + 2 (a partial bucket at each end). */
export const MAX_BUCKETS = 2_000;
/** The most groups a grouped count answers (`limit`'s bound; severity and status have fewer values). */
export const MAX_GROUPS = 1_000;

export const STATS_INTERVALS = ['hour', 'day', 'week'] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

/** What a time series may be split by. */
export const SERIES_GROUP_BY = ['severity', 'status', 'source'] as const;
export type SeriesGroupBy = (typeof SERIES_GROUP_BY)[number];
/** The most sources a series split by source names: the largest in the range; the rest are summed as `other`. */
export const MAX_SERIES_GROUPS = 20;
export const DEFAULT_SERIES_GROUPS = 10;

/** Statistics take the list's filters; grouped counts over many values take a limit. */
export class GroupStatsQueryDto extends AlertFilterDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: 50,
    description: 'Most groups answered, largest first (source and type; severity and status always list every value)',
  })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_GROUPS)
  limit?: number;
}

export class TimeseriesQueryDto extends AlertFilterDto {
  @ApiQueryEnum({ enum: STATS_INTERVALS, enumName: 'StatsInterval', default: 'day', description: 'Bucket size, in `timezone` (days and weeks follow DST)' })
  @IsOptional()
  @IsIn(STATS_INTERVALS)
  interval?: StatsInterval;

  @ApiPropertyOptional({
    enum: SERIES_GROUP_BY,
    enumName: 'SeriesGroupBy',
    description:
      'Split each bucket by severity, status (every value, zeros included) or source (the `limit` largest sources over the whole range; the rest summed in the bucket’s `other`)',
  })
  @IsOptional()
  @IsIn(SERIES_GROUP_BY)
  group_by?: SeriesGroupBy;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_SERIES_GROUPS,
    description: `With group_by=source: how many sources are named (largest over the range first), at most ${MAX_SERIES_GROUPS}; severity and status always list every value`,
  })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_SERIES_GROUPS)
  limit?: number;
}

export class CountDto {
  @ApiProperty({ description: 'The group: a severity, status, source or type', maxLength: 200 }) key: string;
  @ApiProperty() count: number;
}

export class GroupStatsDto {
  @ApiProperty({ enum: ['severity', 'status', 'source', 'type'], enumName: 'StatsDimension' }) dimension: string;
  @ApiProperty() total: number;
  @ApiProperty({ type: [CountDto], maxItems: MAX_GROUPS, description: 'At most `limit` groups (source and type); every value (severity, status)' })
  groups: CountDto[];
}

export class TimeseriesBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Bucket start (UTC)' }) start: string;
  @ApiProperty({ example: '2025-03-30T00:00:00+02:00', description: 'Bucket start in the request time zone', maxLength: 40 }) local_start: string;
  @ApiProperty({ description: 'Every alert of the bucket (with group_by: the sum of `groups` and `other`)' }) count: number;
  @ApiPropertyOptional({
    type: [CountDto],
    maxItems: MAX_SERIES_GROUPS,
    description: 'With group_by: the count of each group, in the order of the series’ `groups`, zeros included',
  })
  groups?: CountDto[];
  @ApiPropertyOptional({ description: 'With group_by=source: the alerts of the bucket from sources beyond the `limit` named ones' })
  other?: number;
}

export class TimeseriesDto {
  @ApiProperty({ enum: STATS_INTERVALS, enumName: 'StatsInterval' }) interval: string;
  @ApiProperty({ maxLength: 64 }) timezone: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiPropertyOptional({ enum: SERIES_GROUP_BY, enumName: 'SeriesGroupBy', description: 'The split asked for, if any' }) group_by?: SeriesGroupBy;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    maxItems: MAX_SERIES_GROUPS,
    description: 'With group_by: the groups every bucket counts, in order (severities critical first, statuses in lifecycle order, sources largest first)',
  })
  groups?: string[];
  @ApiProperty({ type: [TimeseriesBucketDto], maxItems: MAX_BUCKETS + 2 }) buckets: TimeseriesBucketDto[];
}

export class DurationStatsDto {
  @ApiProperty({ description: 'Alerts that reached the state' }) count: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds' }) mean_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p50_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p90_seconds: number | null;
}

/** A row of /stats/response-times: one severity, or `all` (every alert the filters select: the overall MTTA and MTTR). */
export const RESPONSE_TIMES_GROUPS = ['info', 'low', 'medium', 'high', 'critical', 'all'] as const;
export type ResponseTimesGroup = (typeof RESPONSE_TIMES_GROUPS)[number];

export class ResponseTimesDto {
  @ApiProperty({
    enum: RESPONSE_TIMES_GROUPS,
    enumName: 'ResponseTimesGroup',
    description: 'A severity, or `all` for the overall figures over every alert (its counts are the sum of the severities’; its percentiles are not theirs)',
  })
  severity: ResponseTimesGroup;
  @ApiProperty({ type: DurationStatsDto, description: 'created_at → acknowledged_at' }) time_to_acknowledge: DurationStatsDto;
  @ApiProperty({ type: DurationStatsDto, description: 'the earlier of starts_at and created_at → resolved_at (never negative)' })
  time_to_resolve: DurationStatsDto;
}
