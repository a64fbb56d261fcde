import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import { IsDateTimeText, IsInstant, IsOmittable, IsStringRecord, isoUtc, PageQueryDto, StringRecordLimits } from '@app/common';
import type { MaintenanceWindow } from '@app/database';

/** A window's label selector: a few pairs, each of which an alert's labels must hold. */
export const MAINTENANCE_LABEL_LIMITS: StringRecordLimits = { maxKeys: 20, maxKeyLength: 200, maxValueLength: 2_000 };

/** A new maintenance window: when it is active, and which alerts of the tenant it suppresses then. */
export class CreateMaintenanceWindowDto {
  /** @example "Database upgrade" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, maxLength: 2000, example: 'PostgreSQL 17 on the primary; failover expected' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** When it begins (inclusive), RFC 3339. @example "2026-12-06T22:00:00Z" */
  @IsDateTimeText(true)
  starts_at: string;

  /** When it ends (exclusive), RFC 3339; must be after starts_at. @example "2026-12-07T02:00:00Z" */
  @IsDateTimeText(true)
  ends_at: string;

  /** Only alerts of this source (exact); any source when absent. @example "prometheus" */
  @ApiPropertyOptional({ type: String, maxLength: 200, example: 'prometheus' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: MAINTENANCE_LABEL_LIMITS.maxValueLength },
    maxProperties: MAINTENANCE_LABEL_LIMITS.maxKeys,
    description: 'Only alerts whose labels hold every one of these pairs; any labels when absent or empty',
    example: { env: 'prod', team: 'db' },
  })
  @IsOptional()
  @IsStringRecord(MAINTENANCE_LABEL_LIMITS)
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: String, maxLength: 200, description: 'Only alerts of this system key (exact); any when absent', example: 'db-primary' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  system_key?: string;
}

/** The fields to change; those left out keep their value, null clears description, source or system_key. */
export class UpdateMaintenanceWindowDto {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 200 })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsOmittable()
  @IsDateTimeText(false)
  starts_at?: string;

  @IsOmittable()
  @IsDateTimeText(false)
  ends_at?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  source?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: MAINTENANCE_LABEL_LIMITS.maxValueLength },
    maxProperties: MAINTENANCE_LABEL_LIMITS.maxKeys,
    description: 'Replaces the label selector; `{}` matches any labels',
  })
  @IsOmittable()
  @IsStringRecord(MAINTENANCE_LABEL_LIMITS)
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  system_key?: string | null;
}

export class ListMaintenanceWindowsQueryDto extends PageQueryDto {
  /** Only windows active at this instant (starts_at <= it < ends_at): RFC 3339, or a date read in UTC. @example "2026-12-06T23:00:00Z" */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant('utc')
  active_at?: string;
}

export class MaintenanceWindowDto {
  @ApiProperty({ example: 'mnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ maxLength: 200, example: 'Database upgrade' }) name: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description: string | null;
  @ApiProperty({ format: 'date-time' }) starts_at: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive: the window is active while starts_at <= now < ends_at' }) ends_at: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Alerts of this source only; null: any' }) source: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: MAINTENANCE_LABEL_LIMITS.maxValueLength },
    maxProperties: MAINTENANCE_LABEL_LIMITS.maxKeys,
    description: 'Alerts whose labels hold every pair; empty: any',
  })
  labels: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Alerts of this system key only; null: any' }) system_key: string | null;
  /** Whether the window is active now, when the answer was made. */
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  /** Optimistic-concurrency version, the ETag; send it as If-Match to change or delete. */
  @ApiProperty() version: number;

  static from(window: MaintenanceWindow): MaintenanceWindowDto {
    const now = Date.now();
    return {
      id: window.id,
      tenant_id: window.tenantId,
      name: window.name,
      description: window.description,
      starts_at: isoUtc(window.startsAt),
      ends_at: isoUtc(window.endsAt),
      source: window.source,
      labels: window.labels as Record<string, string>,
      system_key: window.systemKey,
      active: window.startsAt.getTime() <= now && now < window.endsAt.getTime(),
      created_at: isoUtc(window.createdAt),
      created_by: window.createdBy,
      updated_at: isoUtc(window.updatedAt),
      version: window.version,
    };
  }
}
