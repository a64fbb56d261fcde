import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

import type { AlertSeverity, ComplianceSettings } from '@app/database';

import { DEFAULT_SETTINGS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, settingsOf } from '../tenant-settings';

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export class ComplianceSettingsDto {
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({
    description: `Days a closed alert (with its timeline) and an export job are kept after their last change; default ${DEFAULT_SETTINGS.retentionDays}`,
    example: 400,
  })
  retention_days: number;
  @ApiProperty({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    nullable: true,
    description: 'Resolving or dismissing an alert of this severity or above needs a note; null: never (default high)',
  })
  note_required_from: AlertSeverity | null;
  @ApiProperty({ description: 'Closing a threat case needs a second person’s approval (POST /v1/threat-cases/{id}/approvals)' })
  four_eyes_close: boolean;
  @ApiProperty({ description: 'True while the tenant has never changed its settings (the defaults apply)' }) defaults: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updated_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) updated_by: string | null;
  @ApiProperty({ description: 'Incremented by every change' }) version: number;

  static from(tenantId: string, row: ComplianceSettings | null): ComplianceSettingsDto {
    const settings = settingsOf(row);
    return {
      tenant_id: tenantId,
      retention_days: settings.retentionDays,
      note_required_from: settings.noteRequiredFrom,
      four_eyes_close: settings.fourEyesClose,
      defaults: row === null,
      updated_at: row?.updatedAt.toISOString() ?? null,
      updated_by: row?.updatedBy ?? null,
      version: row?.version ?? 0,
    };
  }
}

/** The settings to change; fields left out keep their value. */
export class UpdateComplianceSettingsDto {
  /** Days to keep closed alerts and export jobs, 365 (PCI DSS 10.5.1) to 3,650. @example 400 */
  @IsOptional()
  @IsInt()
  @Min(MIN_RETENTION_DAYS)
  @Max(MAX_RETENTION_DAYS)
  retention_days?: number;

  @ApiPropertyOptional({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    nullable: true,
    description: 'Lowest severity whose resolve or dismiss needs a note; null: never',
    example: 'high',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsIn(SEVERITIES)
  note_required_from?: AlertSeverity | null;

  /** Whether closing a threat case needs a second person’s approval. */
  @IsOptional()
  @IsBoolean()
  four_eyes_close?: boolean;
}
