import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';

import { IsTenantId } from '@app/common';

export class RunRetentionPurgeDto {
  /** One tenant; without it every tenant is purged, as the daily job does. @example "tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @IsOptional()
  @IsTenantId()
  tenant_id?: string;
}

export class PurgeTimeRangeDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'created_at of the oldest purged alert' }) from: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'created_at of the newest purged alert' }) to: string | null;
}

export class TenantPurgeDto {
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty() retention_days: number;
  @ApiProperty({ format: 'date-time', description: 'Closed alerts and finished export jobs last changed before this instant expired' }) cutoff: string;
  @ApiProperty({ description: 'A tenant-wide legal hold is active: nothing was purged' }) held: boolean;
  @ApiProperty() alerts_purged: number;
  @ApiProperty() alert_timeline_entries_purged: number;
  @ApiProperty({ description: 'Links of purged alerts to threat cases (cases themselves are kept)' }) threat_case_links_removed: number;
  @ApiProperty() export_jobs_purged: number;
  @ApiProperty() export_files_removed: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the purged alert ids in byte order, each followed by a newline (`LC_ALL=C sort | sha256sum`)', maxLength: 64 })
  alert_ids_sha256: string;
  @ApiProperty({ description: 'The same over the purged export job ids', maxLength: 64 }) export_job_ids_sha256: string;
  @ApiProperty({ type: PurgeTimeRangeDto }) time_range: PurgeTimeRangeDto;
  @ApiProperty({ description: 'The retention.purge event in the tenant’s audit trail', maxLength: 40 }) audit_event_id: string;
}

/** Most tenants a purge of every tenant lists (each has its whole result in its retention.purge audit event). */
export const MAX_LISTED_PURGES = 1_000;

/** Most months one purge drops (every month of a century); a run stops there and the next goes on. */
export const MAX_DROPPED_MONTHS = 1_200;

/** A whole month of alerts dropped (partition-purge.ts): each tenant's share is a retention.purge event of its own. */
export class DroppedPartitionDto {
  @ApiProperty({ description: 'The monthly partition of alerts dropped with its timeline', example: 'alerts_2025_01', maxLength: 63 }) partition: string;
  @ApiProperty({ format: 'date-time', description: 'The first instant of its month (UTC): it held the alerts created in that month' }) month: string;
  @ApiProperty({ description: 'Alerts purged with it, over every tenant' }) alerts_purged: number;
  @ApiProperty({ description: 'Tenants that had alerts in it' }) tenant_count: number;
  @ApiProperty({
    type: [String],
    maxItems: MAX_LISTED_PURGES,
    items: { type: 'string', maxLength: 40 },
    description: `The retention.purge event of each of those tenants, in tenant id order: the first ${MAX_LISTED_PURGES.toLocaleString('en')}`,
  })
  audit_event_ids: string[];
}

export class RetentionPurgeResultDto {
  @ApiProperty({
    type: [TenantPurgeDto],
    maxItems: MAX_LISTED_PURGES,
    description: `One per tenant in id order: the first ${MAX_LISTED_PURGES.toLocaleString('en')}; every tenant's result is also its retention.purge audit event`,
  })
  tenants: TenantPurgeDto[];
  @ApiProperty({ description: 'Tenants purged, listed or not' }) tenant_count: number;
  @ApiProperty({ description: 'Alerts purged over every tenant, listed or not, whole months included' }) alerts_purged: number;
  @ApiProperty({
    type: [DroppedPartitionDto],
    maxItems: MAX_DROPPED_MONTHS,
    description:
      'Whole months of alerts dropped because every alert in them had expired for its own tenant and no legal hold touched them (a purge of every tenant only: a month holds every tenant’s alerts); the other expired alerts are purged row by row',
  })
  partitions_dropped: DroppedPartitionDto[];
}
