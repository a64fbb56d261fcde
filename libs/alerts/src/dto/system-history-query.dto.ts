import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import {
  ApiQueryEnum,
  CommaSeparated,
  DEFAULT_PAGE_SIZE,
  IsAfter,
  IsInstant,
  queryListMaxItems,
  SORT_DIRECTIONS,
  SortDirection,
  ToInt,
  ToLowerCase,
} from '@app/common';

import { SEVERITIES, SEVERITY_FILTER, STATUSES } from './alert-enums';
import { SUPPRESSED_FILTER } from './alert-filter.dto';

export const SYSTEM_HISTORY_SORT_FIELDS = ['id', 'alertname', 'severity', 'status', 'starts_at', 'ends_at', 'created_at'] as const;

/** Seed 002's per-system history: page/page_size (max 200), sort over seven fields (default desc), from/to dates. */
export class SystemHistoryQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 1, description: 'Page number, from 1' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PAGE_SIZE, description: 'Items per page' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(200)
  page_size?: number;

  @ApiQueryEnum({
    enum: SYSTEM_HISTORY_SORT_FIELDS,
    enumName: 'SystemHistorySortField',
    default: 'created_at',
    description: 'Field to sort by; severity and status then sort by created_at, and id breaks ties',
  })
  @IsOptional()
  @IsIn(SYSTEM_HISTORY_SORT_FIELDS)
  sort_by?: (typeof SYSTEM_HISTORY_SORT_FIELDS)[number];

  @ApiQueryEnum({ enum: SORT_DIRECTIONS, enumName: 'SortDirection', default: 'desc', description: 'Defaults to desc: most recent first' })
  @IsOptional()
  @IsIn(SORT_DIRECTIONS)
  sort_direction?: SortDirection;

  @ApiPropertyOptional({ format: 'date-time', description: 'Lower bound on created_at (inclusive), RFC 3339', example: '2026-05-12T00:00:00Z' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant('utc')
  from_date?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Upper bound on created_at (exclusive), RFC 3339; must be after from_date',
    example: '2026-05-13T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant('utc')
  @IsAfter('from_date', 'utc')
  to_date?: string;

  @ApiPropertyOptional({ type: [String], description: 'Alertnames (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @ArrayMaxSize(50)
  alertname?: string[];

  @ApiPropertyOptional({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    isArray: true,
    ...queryListMaxItems(50),
    description: "Severities (OR), in any case; seed 002's warning is medium here",
  })
  @IsOptional()
  @CommaSeparated()
  @ToLowerCase()
  @IsIn(SEVERITIES, SEVERITY_FILTER)
  @ArrayMaxSize(50)
  severity?: (typeof SEVERITIES)[number][];

  @ApiPropertyOptional({ enum: STATUSES, enumName: 'AlertStatus', isArray: true, ...queryListMaxItems(50) })
  @IsOptional()
  @CommaSeparated()
  @IsIn(STATUSES, { each: true })
  @ArrayMaxSize(50)
  status?: (typeof STATUSES)[number][];

  @ApiPropertyOptional({
    enum: SUPPRESSED_FILTER,
    enumName: 'SuppressedFilter',
    default: 'false',
    description: 'Alerts a maintenance window suppressed: `true` only those, `false` (the default) only the others, `any` both',
  })
  @IsOptional()
  @IsIn(SUPPRESSED_FILTER)
  suppressed?: (typeof SUPPRESSED_FILTER)[number];
}
