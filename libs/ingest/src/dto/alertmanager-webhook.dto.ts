import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

import { ANNOTATION_LIMITS, FieldViolationSchema, IsDateTimeText, IsStringRecord, LABEL_LIMITS } from '@app/common';

/** generatorURL longer than this is cut to it (and named in the alert's truncated_fields). */
export const GENERATOR_URL_MAX_LENGTH = 8_192;

/**
 * One alert of an Alertmanager webhook, validated on its own (admitAlerts): label values over 2,000
 * characters, annotation values over 10,000 and a generatorURL over 8,192 are cut to that length and named
 * in the alert's `truncated_fields`; an alert that is still invalid is refused alone (`refused_alerts`)
 * and the rest of its group stored. (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export class AlertmanagerAlertDto {
  @ApiProperty({ enum: ['firing', 'resolved'], enumName: 'AlertmanagerStatus' })
  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  @ApiProperty({
    type: 'object',
    description: 'Values longer than 2,000 characters are cut to it (truncated_fields)',
    additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength },
    maxProperties: LABEL_LIMITS.maxKeys,
    example: { alertname: 'InstanceDown', severity: 'critical', system_key: 'NETH-1' },
  })
  @IsStringRecord(LABEL_LIMITS)
  labels: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    description: 'Values longer than 10,000 characters are cut to it (truncated_fields)',
    additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength },
    maxProperties: ANNOTATION_LIMITS.maxKeys,
    example: { summary: 'web-01 is down' },
  })
  @IsOptional()
  @IsStringRecord(ANNOTATION_LIMITS)
  annotations?: Record<string, string>;

  /** @example "2026-05-12T07:46:50Z" */
  @IsDateTimeText(true)
  startsAt: string;

  /** The zero time (0001-01-01T00:00:00Z) while firing. */
  @IsOptional()
  @IsDateTimeText(false, { orZeroTime: true })
  endsAt?: string;

  /** Stored as the alert's `generator_url`; longer than 8,192 characters it is cut (truncated_fields). @example "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0" */
  @IsOptional()
  @IsString()
  @MaxLength(GENERATOR_URL_MAX_LENGTH)
  generatorURL?: string;

  /** @example "11a9302b0fa6526e" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  fingerprint: string;
}

/** The Alertmanager webhook payload, version 4. */
export class AlertmanagerWebhookDto {
  /** Only version 4 is understood. */
  @ApiProperty({ example: '4' })
  @Matches(/^4$/, { message: 'version must be "4" (the Alertmanager webhook payload version this API reads)' })
  version: string;

  /** Kept in the details of the timeline entries this payload writes. */
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  groupKey?: string;

  /** How many alerts Alertmanager left out of this payload (max_alerts). */
  @IsOptional()
  @IsInt()
  @Min(0)
  truncatedAlerts?: number;

  @ApiProperty({ enum: ['firing', 'resolved'], enumName: 'AlertmanagerStatus' })
  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  /** @example "severity-critical-receiver" */
  @IsString()
  @MaxLength(200)
  receiver: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength },
    maxProperties: LABEL_LIMITS.maxKeys,
  })
  @IsOptional()
  @IsStringRecord(LABEL_LIMITS)
  groupLabels?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength },
    maxProperties: LABEL_LIMITS.maxKeys,
  })
  @IsOptional()
  @IsStringRecord(LABEL_LIMITS)
  commonLabels?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength },
    maxProperties: ANNOTATION_LIMITS.maxKeys,
  })
  @IsOptional()
  @IsStringRecord(ANNOTATION_LIMITS)
  commonAnnotations?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  externalURL?: string;

  /** Each alert is validated on its own: an invalid one is refused alone (`refused_alerts`), the others stored. */
  @ApiProperty({ type: [AlertmanagerAlertDto] })
  @IsArray()
  @ArrayMaxSize(5_000)
  @IsObject({ each: true, message: 'each alert must be an object' })
  alerts: AlertmanagerAlertDto[];
}

export class RefusedAlertDto {
  @ApiProperty({ description: "Position of the alert in the payload's alerts" }) index: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) fingerprint: string | null;
  @ApiProperty({ type: [FieldViolationSchema], maxItems: 50, description: 'What is wrong with it, as a validation-error problem lists it (at most 50)' })
  errors: FieldViolationSchema[];
}

export class IngestResultDto {
  @ApiProperty({ description: 'Alerts created' }) created: number;
  @ApiProperty({ description: 'Existing alerts whose labels, annotations or receiver changed' }) updated: number;
  @ApiProperty({ description: 'Open alerts resolved by a resolved notification' }) resolved: number;
  @ApiProperty({ description: 'Alerts already stored exactly as sent (replays)' }) unchanged: number;
  @ApiProperty({ type: Number, nullable: true, description: 'As Alertmanager reported it' }) truncated_alerts: number;
  @ApiProperty({ description: "Alerts stored with fields cut to their limit (listed in each alert's truncated_fields)" }) truncated: number;
  @ApiProperty({ description: 'Alerts that could not be stored; the rest of the payload was' }) refused: number;
  @ApiProperty({ type: [RefusedAlertDto], maxItems: 5_000 }) refused_alerts: RefusedAlertDto[];
}
