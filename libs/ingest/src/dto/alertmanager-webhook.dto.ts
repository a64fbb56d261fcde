import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';

import { ANNOTATION_LIMITS, IsDateTimeText, IsStringRecord, LABEL_LIMITS } from '@app/common';

/** One alert of an Alertmanager webhook (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export class AlertmanagerAlertDto {
  @ApiProperty({ enum: ['firing', 'resolved'], enumName: 'AlertmanagerStatus' })
  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength }, maxProperties: LABEL_LIMITS.maxKeys, example: { alertname: 'InstanceDown', severity: 'critical', system_key: 'NETH-1' } })
  @IsStringRecord(LABEL_LIMITS)
  labels: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength }, maxProperties: ANNOTATION_LIMITS.maxKeys, example: { summary: 'web-01 is down' } })
  @IsOptional() @IsStringRecord(ANNOTATION_LIMITS)
  annotations?: Record<string, string>;

  /** @example "2026-05-12T07:46:50Z" */
  @IsDateTimeText(true)
  startsAt: string;

  /** The zero time (0001-01-01T00:00:00Z) while firing. */
  @IsOptional() @IsDateTimeText(false)
  endsAt?: string;

  /** Stored as the alert's `generator_url`. @example "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0" */
  @IsOptional() @IsString() @MaxLength(8_192)
  generatorURL?: string;

  /** @example "11a9302b0fa6526e" */
  @IsString() @IsNotEmpty() @MaxLength(100)
  fingerprint: string;
}

/** The Alertmanager webhook payload, version 4. */
export class AlertmanagerWebhookDto {
  /** Only version 4 is understood. */
  @ApiProperty({ example: '4' })
  @Matches(/^4$/, { message: 'version must be "4" (the Alertmanager webhook payload version this API reads)' })
  version: string;

  /** Kept in the details of the timeline entries this payload writes. */
  @IsOptional() @IsString() @MaxLength(2_000)
  groupKey?: string;

  /** How many alerts Alertmanager left out of this payload (max_alerts). */
  @IsOptional() @IsInt() @Min(0)
  truncatedAlerts?: number;

  @ApiProperty({ enum: ['firing', 'resolved'], enumName: 'AlertmanagerStatus' })
  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  /** @example "severity-critical-receiver" */
  @IsString() @MaxLength(200)
  receiver: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength }, maxProperties: LABEL_LIMITS.maxKeys })
  @IsOptional() @IsStringRecord(LABEL_LIMITS)
  groupLabels?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength }, maxProperties: LABEL_LIMITS.maxKeys })
  @IsOptional() @IsStringRecord(LABEL_LIMITS)
  commonLabels?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength }, maxProperties: ANNOTATION_LIMITS.maxKeys })
  @IsOptional() @IsStringRecord(ANNOTATION_LIMITS)
  commonAnnotations?: Record<string, string>;

  @IsOptional() @IsString() @MaxLength(2_000)
  externalURL?: string;

  @ApiProperty({ type: [AlertmanagerAlertDto] })
  @IsArray() @ArrayMaxSize(5_000) @ValidateNested({ each: true }) @Type(() => AlertmanagerAlertDto)
  alerts: AlertmanagerAlertDto[];
}

export class IngestResultDto {
  @ApiProperty({ description: 'Alerts created' }) created: number;
  @ApiProperty({ description: 'Existing alerts whose labels, annotations or receiver changed' }) updated: number;
  @ApiProperty({ description: 'Open alerts resolved by a resolved notification' }) resolved: number;
  @ApiProperty({ description: 'Alerts already stored exactly as sent (replays)' }) unchanged: number;
  @ApiProperty({ type: Number, nullable: true, description: 'As Alertmanager reported it' }) truncated_alerts: number;
}
