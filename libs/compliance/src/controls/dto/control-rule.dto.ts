import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import { CommaSeparated, IsOmittable, IsStringRecord, LABEL_LIMITS, PageQueryDto, ToBoolean } from '@app/common';
import type { ControlRule } from '@app/database';

import { CONTROL_ID, CONTROL_ID_MAX_LENGTH, CONTROL_ID_MESSAGE, IsControlIdList, MAX_CONTROLS } from '../control-ids';

/** What an alert must match; every condition given must hold, and at least one must be given. */
export class ControlRuleMatchDto {
  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'Alert types (any of them)', example: ['brute_force', 'privilege_escalation'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  types?: string[];

  /** Case-insensitive substring of the alert source. @example "auth-gateway" */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength },
    maxProperties: LABEL_LIMITS.maxKeys,
    description: 'Labels the alert must all carry with these values',
    example: { env: 'prod' },
  })
  @IsOptional()
  @IsStringRecord(LABEL_LIMITS)
  labels?: Record<string, string>;
}

export class CreateControlRuleDto {
  /** @example "Authentication events are logged" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  description?: string;

  @ApiProperty({
    type: [String],
    maxLength: CONTROL_ID_MAX_LENGTH,
    pattern: CONTROL_ID.source,
    minItems: 1,
    maxItems: 50,
    description: 'Control ids the matching alerts evidence',
    example: ['ISO27001:A.8.15', 'PCI:10.2.1.1'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @IsControlIdList()
  controls: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => ControlRuleMatchDto)
  match: ControlRuleMatchDto;

  /** Disabled rules are kept but not applied (default true). */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** The fields to change; those left out keep their value; null only where a field says nullable (IsOmittable). */
export class UpdateControlRuleDto {
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  description?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxLength: CONTROL_ID_MAX_LENGTH,
    pattern: CONTROL_ID.source,
    minItems: 1,
    maxItems: 50,
    example: ['ISO27001:A.8.16'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @IsControlIdList()
  controls?: string[];

  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ControlRuleMatchDto)
  match?: ControlRuleMatchDto;

  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export const CONTROL_RULE_SORT_FIELDS = ['created_at'] as const;

export class ListControlRulesQueryDto extends PageQueryDto {
  /** Only enabled (true) or disabled (false) rules. */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    pattern: CONTROL_ID.source,
    description: 'Rules assigning any of these controls (OR)',
    example: ['ISO27001:A.8.15'],
  })
  @IsOptional()
  @CommaSeparated()
  @Matches(CONTROL_ID, { each: true, message: CONTROL_ID_MESSAGE })
  @ArrayMaxSize(50)
  control?: string[];

  /** Rules sort by creation time, id breaking ties. */
  @IsOptional()
  @IsIn(CONTROL_RULE_SORT_FIELDS)
  sort_by?: (typeof CONTROL_RULE_SORT_FIELDS)[number];
}

export class ControlRuleMatchViewDto {
  @ApiProperty({ type: [String], maxLength: 100, maxItems: 50 }) types: string[];
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) source: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength } }) labels: Record<string, string>;
}

export class ControlRuleDto {
  @ApiProperty({ example: 'cr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description: string | null;
  @ApiProperty({ type: [String], example: ['ISO27001:A.8.15', 'PCI:10.2.1.1'], maxLength: 22, maxItems: MAX_CONTROLS }) controls: string[];
  @ApiProperty({ type: ControlRuleMatchViewDto }) match: ControlRuleMatchViewDto;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;

  static from(rule: ControlRule): ControlRuleDto {
    return {
      id: rule.id,
      tenant_id: rule.tenantId,
      name: rule.name,
      description: rule.description,
      controls: rule.controls,
      match: { types: rule.matchTypes, source: rule.matchSource, labels: rule.matchLabels as Record<string, string> },
      enabled: rule.enabled,
      created_at: rule.createdAt.toISOString(),
      created_by: rule.createdBy,
      updated_at: rule.updatedAt.toISOString(),
      version: rule.version,
    };
  }
}
