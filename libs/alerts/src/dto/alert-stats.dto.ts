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
  @ApiProperty() count: number;
}

export class TimeseriesDto {
  @ApiProperty({ enum: STATS_INTERVALS, enumName: 'StatsInterval' }) interval: string;
  @ApiProperty({ maxLength: 64 }) timezone: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [TimeseriesBucketDto], maxItems: MAX_BUCKETS + 2 }) buckets: TimeseriesBucketDto[];
}

export class DurationStatsDto {
  @ApiProperty({ description: 'Alerts that reached the state' }) count: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds' }) mean_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p50_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p90_seconds: number | null;
}

export class ResponseTimesDto {
  @ApiProperty({ enum: ['info', 'low', 'medium', 'high', 'critical'], enumName: 'AlertSeverity' }) severity: string;
  @ApiProperty({ type: DurationStatsDto, description: 'created_at → acknowledged_at' }) time_to_acknowledge: DurationStatsDto;
  @ApiProperty({ type: DurationStatsDto, description: 'the earlier of starts_at and created_at → resolved_at (never negative)' })
  time_to_resolve: DurationStatsDto;
}
