import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { SEVERITIES, SEVERITY_FILTER } from '@app/alerts/dto/alert-enums';
import {
  AdminOnly,
  ApiQueryEnum,
  CommaSeparated,
  DateRangeQueryDto,
  IsTenantId,
  PageQueryDto,
  queryListMaxItems,
  SparseFieldsQueryDto,
  TagFilter,
  ToBoolean,
  ToLowerCase,
} from '@app/common';
import { CONTROL_ID, CONTROL_ID_MESSAGE, MAX_CONTROLS } from '@app/compliance';
import type { AlertSeverity, ThreatCaseStatus } from '@app/database';

import { ThreatCaseDto } from './threat-case.dto';
import { THREAT_CASE_SORT_FIELDS, THREAT_CASE_STATUSES, ThreatCaseSortField } from './threat-case-enums';

const LIST = { each: true } as const;

/** `include_deleted` (admin only) for reads of one case. */
export class ThreatCaseReadQueryDto {
  /** Admin only: also deleted cases (403 for anyone else). */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  include_deleted?: boolean;
}

/** The list's filters; multi-value filters take `a,b` or repeat the parameter (OR within, AND across). */
export class ThreatCaseFilterDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ type: [String], description: "Devices (OR): the case's device or one of its associated devices" })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  device_id?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Locations (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  location_id?: string[];

  @ApiPropertyOptional({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus', isArray: true, ...queryListMaxItems(50), description: 'Statuses (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsIn(THREAT_CASE_STATUSES, LIST)
  @ArrayMaxSize(50)
  status?: ThreatCaseStatus[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_CONTROLS,
    pattern: CONTROL_ID.source,
    description: 'Control ids (OR): cases whose alerts evidence any of them',
    example: ['ISO27001:A.5.26'],
  })
  @IsOptional()
  @CommaSeparated()
  @Matches(CONTROL_ID, { each: true, message: CONTROL_ID_MESSAGE })
  @ArrayMaxSize(MAX_CONTROLS)
  control?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Assignees (OR)', example: ['analyst-002'] })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  assignee?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'AlertSeverity', isArray: true, ...queryListMaxItems(50), description: 'Severities (OR), in any case' })
  @IsOptional()
  @CommaSeparated()
  @ToLowerCase()
  @IsIn(SEVERITIES, SEVERITY_FILTER)
  @ArrayMaxSize(50)
  severity?: AlertSeverity[];

  @TagFilter('Tags (OR): cases holding any of them (case-insensitive)')
  tag?: string[];

  @TagFilter('Tags (AND): cases holding every one of them (case-insensitive)')
  tags_all?: string[];

  /** Admin only: one tenant (400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @IsTenantId()
  tenant_id?: string;
}

/** The threat case list: filters, sort and both paging modes. */
export class ListThreatCasesQueryDto extends IntersectionType(
  ThreatCaseFilterDto,
  PageQueryDto,
  ThreatCaseReadQueryDto,
  SparseFieldsQueryDto(ThreatCaseDto, 'ThreatCaseField'),
) {
  @ApiQueryEnum({ enum: THREAT_CASE_SORT_FIELDS, enumName: 'ThreatCaseSortField', default: 'created_at', description: 'Field to sort by; id breaks ties' })
  @IsOptional()
  @IsIn(THREAT_CASE_SORT_FIELDS)
  sort_by?: ThreatCaseSortField;
}
