import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

import { IsOmittable, PageQueryDto, ToBoolean } from '@app/common';
import type { WebhookSubscription } from '@app/database';
import { EVENT_TYPES, EventFilter, EventType, SUPPRESSED_EVENT_FILTER } from '@app/events';

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** Narrows the events a subscription (or a live stream) receives; every condition given must hold. */
export class EventFilterDto {
  @ApiPropertyOptional({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    isArray: true,
    maxItems: 5,
    description: 'Alert events of these severities only',
    example: ['high', 'critical'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(SEVERITIES, { each: true })
  severity?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 20, maxLength: 200, description: 'Alert events of these sources only (exact)', example: ['ids-suricata'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  source?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    maxLength: 22,
    description: 'Alert and threat case events carrying any of these controls',
    example: ['PCI:10.2.1.1'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(22, { each: true })
  control?: string[];

  @ApiPropertyOptional({
    enum: SUPPRESSED_EVENT_FILTER,
    description:
      'Alert events of alerts a maintenance window suppressed: `false` (the default) leaves them out, so a blackout pages no one; `true` only them; `any` both',
  })
  @IsOptional()
  @IsIn(SUPPRESSED_EVENT_FILTER)
  suppressed?: (typeof SUPPRESSED_EVENT_FILTER)[number];
}

export class CreateWebhookDto {
  /** Where deliveries are POSTed: https (http only with WEBHOOK_ALLOW_HTTP), no credentials in the URL. @example "https://hooks.example.com/alert-ledger" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url: string;

  @ApiPropertyOptional({ type: String, maxLength: 500, example: 'SOAR intake' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({
    enum: EVENT_TYPES,
    enumName: 'EventType',
    isArray: true,
    minItems: 1,
    maxItems: EVENT_TYPES.length,
    example: ['alert.created', 'alert.status_changed'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  event_types: EventType[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventFilterDto)
  filter?: EventFilterDto;
}

/** The fields to change; those left out keep their value. `enabled: true` re-enables a disabled subscription. */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ type: String, maxLength: WEBHOOK_URL_MAX_LENGTH, example: 'https://hooks.example.com/alert-ledger' })
  @IsOmittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ enum: EVENT_TYPES, enumName: 'EventType', isArray: true, minItems: 1, maxItems: EVENT_TYPES.length })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  event_types?: EventType[];

  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => EventFilterDto)
  filter?: EventFilterDto;

  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class ListWebhooksQueryDto extends PageQueryDto {
  /** Only enabled (true) or disabled (false) subscriptions. */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  enabled?: boolean;
}

export class EventFilterViewDto {
  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'AlertSeverity', isArray: true, maxItems: 5 }) severity?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: 20, maxLength: 200 }) source?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: 50, maxLength: 22 }) control?: string[];
  @ApiPropertyOptional({ enum: SUPPRESSED_EVENT_FILTER, description: 'Absent: `false`, suppressed alerts left out' }) suppressed?: string;
}

export class WebhookDto {
  @ApiProperty({ example: 'whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ maxLength: WEBHOOK_URL_MAX_LENGTH }) url: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) description: string | null;
  @ApiProperty({ enum: EVENT_TYPES, enumName: 'EventType', isArray: true, maxItems: EVENT_TYPES.length }) event_types: string[];
  @ApiProperty({ type: EventFilterViewDto }) filter: EventFilterViewDto;
  @ApiProperty() enabled: boolean;
  /** Why deliveries stopped (a day of failures), until the subscription is enabled again. */
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) disabled_reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabled_at: string | null;
  /** The first failed attempt since the last success; null while deliveries succeed. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failing_since: string | null;
  /** Until when the secret before the last rotation still signs (a second `v1,` signature). */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) previous_secret_expires_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;

  static from(subscription: WebhookSubscription): WebhookDto {
    return {
      id: subscription.id,
      tenant_id: subscription.tenantId,
      url: subscription.url,
      description: subscription.description,
      event_types: subscription.eventTypes,
      filter: subscription.filter as EventFilter,
      enabled: subscription.enabled,
      disabled_reason: subscription.disabledReason,
      disabled_at: subscription.disabledAt?.toISOString() ?? null,
      failing_since: subscription.failingSince?.toISOString() ?? null,
      previous_secret_expires_at: subscription.previousSecretExpiresAt?.toISOString() ?? null,
      created_at: subscription.createdAt.toISOString(),
      created_by: subscription.createdBy,
      updated_at: subscription.updatedAt.toISOString(),
      version: subscription.version,
    };
  }
}

/** The answer of a creation or a rotation: the only time the secret is shown. */
export class WebhookWithSecretDto extends WebhookDto {
  /** Verify deliveries with it (Standard Webhooks: `whsec_` + base64 of the HMAC key). Shown once. @example "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" */
  @ApiProperty({ maxLength: 100 }) secret: string;

  static withSecret(subscription: WebhookSubscription): WebhookWithSecretDto {
    return { ...WebhookDto.from(subscription), secret: subscription.secret };
  }
}
