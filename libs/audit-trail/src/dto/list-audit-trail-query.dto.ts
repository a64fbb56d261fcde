import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

import { AdminOnly, CommaSeparated, DateRangeQueryDto, IsTenantId, PageQueryDto, queryListMaxItems, SparseFieldsQueryDto } from '@app/common';

import { AuditEventDto } from './audit-event.dto';

export const AUDIT_SORT_FIELDS = ['at'] as const;

/** Which audit events: who, what, which resource, when (created_from/created_to on the event time). */
export class AuditTrailFilterDto extends DateRangeQueryDto {
  /** Who acted: a JWT subject, an API key id, or `system`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  /** One or more actions (`tenant.create`, `audit_trail.read`, …), comma-separated or repeated. */
  @ApiPropertyOptional({ type: [String], maxLength: 100, ...queryListMaxItems(50) })
  @IsOptional()
  @CommaSeparated()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @ArrayMaxSize(50)
  action?: string[];

  /** The kind of resource acted on (`tenant`, `alert`, `export`, `api_key`, `audit_trail`). */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  resource_type?: string;

  /** The id of the resource acted on. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resource_id?: string;

  /** success or failure. */
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';
}

/** The audit trail list: its filters and paging. */
export class ListAuditTrailQueryDto extends IntersectionType(PageQueryDto, AuditTrailFilterDto, SparseFieldsQueryDto(AuditEventDto, 'AuditEventField')) {
  /** Admin only: one tenant's trail (400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @IsTenantId()
  tenant_id?: string;

  /** Field to sort by (events sort by time, id breaking ties). */
  @IsOptional()
  @IsIn(AUDIT_SORT_FIELDS)
  sort_by?: (typeof AUDIT_SORT_FIELDS)[number];
}
