import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

import { AdminOnly, ApiQueryEnum, CommaSeparated, IsDateTimeText, IsTenantId, PageQueryDto, queryListMaxItems } from '@app/common';
import type { ObservableType, ThreatCaseObservable } from '@app/database';

import { ALERT_ID } from '../../dto/threat-case-enums';
import {
  CASE_WORK_DESCRIPTION_MAX_LENGTH,
  CASE_WORK_SORT_FIELDS,
  CaseWorkSortField,
  MAX_OBSERVABLE_ALERTS,
  MAX_OBSERVABLE_TAGS,
  OBSERVABLE_TAG_MAX_LENGTH,
  OBSERVABLE_TYPES,
  OBSERVABLE_VALUE_MAX_LENGTH,
} from '../case-work-enums';

const LIST = { each: true } as const;
const ALERT_ID_MESSAGE = 'alert_ids must hold alert ids (alr_ followed by 26 characters)';

/** The fields an add and a change share: description, tags, linked alerts, when it was last seen. */
class ObservableFieldsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: CASE_WORK_DESCRIPTION_MAX_LENGTH,
    description: 'What it is; null clears it',
    example: 'Source of the brute-force attempts',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CASE_WORK_DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_OBSERVABLE_TAGS, maxLength: OBSERVABLE_TAG_MAX_LENGTH, example: ['c2', 'tor-exit'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OBSERVABLE_TAGS)
  @IsString(LIST)
  @IsNotEmpty(LIST)
  @MaxLength(OBSERVABLE_TAG_MAX_LENGTH, LIST)
  tags?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_OBSERVABLE_ALERTS,
    maxLength: 40,
    pattern: ALERT_ID.source,
    description: `Alerts of the tenant the observable was seen in (422 naming any other); an observable keeps at most ${MAX_OBSERVABLE_ALERTS}`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OBSERVABLE_ALERTS)
  @Matches(ALERT_ID, { each: true, message: ALERT_ID_MESSAGE })
  alert_ids?: string[];

  /** When it was last seen, RFC 3339 (default: now). */
  @IsOptional()
  @IsDateTimeText(false)
  last_seen?: string;
}

/** An observable to add; one the case holds already (same type and value) is seen again instead: its last_seen, tags and alerts grow. */
export class CreateCaseObservableDto extends ObservableFieldsDto {
  @ApiProperty({ enum: OBSERVABLE_TYPES, enumName: 'ObservableType', example: 'ip' })
  @IsIn(OBSERVABLE_TYPES)
  type: ObservableType;

  /** The indicator, checked for its type (an ip parses, a url parses, a hash is MD5/SHA-1/SHA-256 hex). @example "203.0.113.7" */
  @ApiProperty({ minLength: 1, maxLength: OBSERVABLE_VALUE_MAX_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(OBSERVABLE_VALUE_MAX_LENGTH)
  value: string;

  /** When it was first seen, RFC 3339 (default: last_seen). */
  @IsOptional()
  @IsDateTimeText(false)
  first_seen?: string;
}

/** A change of an observable (type and value stay): the fields given replace the current ones; `description` takes null to clear it. */
export class UpdateCaseObservableDto extends ObservableFieldsDto {}

/** Filters of an observable list: type and value (a value matches as stored, and as normalised for a type). */
export class ObservableFilterDto {
  @ApiPropertyOptional({
    enum: OBSERVABLE_TYPES,
    enumName: 'ObservableType',
    isArray: true,
    ...queryListMaxItems(OBSERVABLE_TYPES.length),
    description: 'Types (OR)',
  })
  @IsOptional()
  @CommaSeparated()
  @IsIn(OBSERVABLE_TYPES, LIST)
  @ArrayMaxSize(OBSERVABLE_TYPES.length)
  type?: ObservableType[];

  /** The value, exactly (hashes, domains and emails regardless of case; an IPv6 address in any form). @example "203.0.113.7" */
  @ApiPropertyOptional({ type: String, maxLength: OBSERVABLE_VALUE_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(OBSERVABLE_VALUE_MAX_LENGTH)
  value?: string;

  @ApiPropertyOptional({ type: String, maxLength: OBSERVABLE_TAG_MAX_LENGTH, description: 'Observables carrying this tag' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(OBSERVABLE_TAG_MAX_LENGTH)
  tag?: string;
}

export class ListCaseObservablesQueryDto extends IntersectionType(ObservableFilterDto, PageQueryDto) {
  @ApiQueryEnum({ enum: CASE_WORK_SORT_FIELDS, enumName: 'CaseWorkSortField', default: 'created_at', description: 'Field to sort by; id breaks ties' })
  @IsOptional()
  @IsIn(CASE_WORK_SORT_FIELDS)
  sort_by?: CaseWorkSortField;
}

/** Observables across the tenant's cases (deleted cases left out): which cases saw this indicator. */
export class SearchObservablesQueryDto extends ListCaseObservablesQueryDto {
  /** Admin only: one tenant (400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @IsTenantId()
  tenant_id?: string;
}

export type ObservableWithAlerts = ThreatCaseObservable & { alerts: { alertId: string }[] };

export class CaseObservableDto {
  @ApiProperty({ example: 'tco_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ example: 'tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) case_id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ enum: OBSERVABLE_TYPES, enumName: 'ObservableType' }) type: string;
  @ApiProperty({ maxLength: OBSERVABLE_VALUE_MAX_LENGTH, description: 'As stored: hashes, domains and emails lower-cased, IPv6 in canonical form' })
  value: string;
  @ApiProperty({ type: String, nullable: true, maxLength: CASE_WORK_DESCRIPTION_MAX_LENGTH }) description: string | null;
  @ApiProperty({ type: [String], maxItems: MAX_OBSERVABLE_TAGS, maxLength: OBSERVABLE_TAG_MAX_LENGTH }) tags: string[];
  @ApiProperty({ type: [String], maxItems: MAX_OBSERVABLE_ALERTS, maxLength: 40, description: 'The linked alerts, in the order they were linked' })
  alert_ids: string[];
  @ApiProperty({ format: 'date-time' }) first_seen: string;
  @ApiProperty({ format: 'date-time', description: 'Moved on when the observable is added again' }) last_seen: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ maxLength: 200 }) updated_by: string;
  @ApiProperty({ description: 'Incremented by every change; the ETag' }) version: number;

  static from(observable: ObservableWithAlerts): CaseObservableDto {
    return {
      id: observable.id,
      case_id: observable.caseId,
      tenant_id: observable.tenantId,
      type: observable.type,
      value: observable.value,
      description: observable.description,
      tags: observable.tags,
      alert_ids: observable.alerts.map((link) => link.alertId),
      first_seen: observable.firstSeen.toISOString(),
      last_seen: observable.lastSeen.toISOString(),
      created_at: observable.createdAt.toISOString(),
      created_by: observable.createdBy,
      updated_at: observable.updatedAt.toISOString(),
      updated_by: observable.updatedBy,
      version: observable.version,
    };
  }
}
