import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { SEVERITIES, SEVERITY_FILTER } from '@app/alerts/dto/alert-enums';
import { CURSOR_MAX_LENGTH, INSTANT_RANGE, MAX_TAGS, TAG, TAG_MAX_LENGTH, TAG_MESSAGE, ToLowerCase } from '@app/common';
import type { AlertSeverity, ThreatCaseStatus } from '@app/database';

import { THREAT_CASE_STATUSES } from './threat-case-enums';

/** Seed 003 lets filter lists hold nulls; they filter nothing, so they are dropped. */
function WithoutNulls(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.filter((item) => item !== null) : value));
}

/** A tag list of the body (nulls dropped, lower-cased, each a tag, at most MAX_TAGS). */
function TagListFilter(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', maxLength: TAG_MAX_LENGTH, pattern: TAG.source },
      nullable: true,
      maxItems: MAX_TAGS,
      description,
      example: ['phishing'],
    }),
    IsOptional(),
    WithoutNulls(),
    IsArray(),
    ArrayMaxSize(MAX_TAGS),
    ToLowerCase(),
    IsString({ each: true }),
    MaxLength(TAG_MAX_LENGTH, { each: true }),
    Matches(TAG, { each: true, message: TAG_MESSAGE }),
  );
}

/** The one range of instants every date goes through (years 1970–9999). */
const MS_MAX = INSTANT_RANGE.maxMs;
const INT64 = { type: 'integer', format: 'int64', nullable: true } as const;
const INT32 = { type: 'integer', format: 'int32', nullable: true } as const;

/**
 * Seed 003's request body (Rhombus getAlertMonitoringThreatCases), field for field. Every field may be
 * absent or null. Paging: `lastEvaluatedKey` from the previous answer, or `lastTimestampMs` + `lastUuid`
 * (the createdAtMillis and uuid of the last case seen). docs/API-DECISIONS.md says how maxResults,
 * maxPageSize and mostRecent are read.
 */
export class ThreatCaseQueryDto {
  /** Cases created at or after this instant (ms since the epoch, inclusive). @example 1640995200000 */
  @ApiPropertyOptional(INT64)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MS_MAX)
  afterTimestampMs?: number | null;

  /** Cases created before this instant (ms, exclusive); must be after afterTimestampMs. @example 1641081600000 */
  @ApiPropertyOptional(INT64)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MS_MAX)
  beforeTimestampMs?: number | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: 100,
    description: "Devices (OR): the case's device or an associated one",
    example: ['cam-north-entrance'],
  })
  @IsOptional()
  @WithoutNulls()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  deviceFilter?: string[] | null;

  @ApiPropertyOptional({ type: [String], nullable: true, maxItems: 100, description: 'Locations (OR)', example: ['site-jakarta-hq'] })
  @IsOptional()
  @WithoutNulls()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  locationFilter?: string[] | null;

  @ApiPropertyOptional({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus', isArray: true, nullable: true, maxItems: 50, description: 'Statuses (OR)' })
  @IsOptional()
  @WithoutNulls()
  @IsArray()
  @ArrayMaxSize(50)
  @IsIn(THREAT_CASE_STATUSES, { each: true })
  statusFilter?: ThreatCaseStatus[] | null;

  @ApiPropertyOptional({ type: [String], nullable: true, maxItems: 50, description: 'Assignees (OR); an extension of seed 003', example: ['analyst-002'] })
  @IsOptional()
  @WithoutNulls()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  assigneeFilter?: string[] | null;

  @ApiPropertyOptional({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    isArray: true,
    nullable: true,
    maxItems: 50,
    description: 'Severities (OR, in any case); an extension of seed 003',
  })
  @IsOptional()
  @WithoutNulls()
  @IsArray()
  @ArrayMaxSize(50)
  @ToLowerCase()
  @IsIn(SEVERITIES, SEVERITY_FILTER)
  severityFilter?: AlertSeverity[] | null;

  @TagListFilter('Tags (OR, case-insensitive): cases holding any of them; an extension of seed 003')
  tagFilter?: string[] | null;

  @TagListFilter('Tags (AND, case-insensitive): cases holding every one of them; an extension of seed 003')
  tagsAllFilter?: string[] | null;

  /** The previous answer's lastEvaluatedKey: opaque and tamper-checked; only for the same filters and order. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX_LENGTH)
  lastEvaluatedKey?: string | null;

  /** With lastUuid, instead of lastEvaluatedKey: the createdAtMillis of the last case seen. @example 1640995200000 */
  @ApiPropertyOptional(INT64)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MS_MAX)
  lastTimestampMs?: number | null;

  /** With lastTimestampMs: the uuid of the last case seen (a case id; any string is compared as one). @example "tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastUuid?: string | null;

  /** Cases per answer (1 to 1,000; at most 200 are answered). @example 50 */
  @ApiPropertyOptional(INT32)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000)
  maxPageSize?: number | null;

  /** Cases per answer; with maxPageSize too, the smaller wins (1 to 1,000; at most 200). @example 100 */
  @ApiPropertyOptional(INT32)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000)
  maxResults?: number | null;

  /** true or absent: newest first; false: oldest first. @example true */
  @IsOptional()
  @IsBoolean()
  mostRecent?: boolean | null;
}
