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
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';

import { ANNOTATION_LIMITS, IsDateTimeText, IsStringRecord, LABEL_LIMITS, OptionalTags } from '@app/common';
import { CONTROL_ID, CONTROL_ID_MAX_LENGTH, IsControlIdList } from '@app/compliance';

import { CreateAlertEventDto } from '../event/alert-event.dto';
import { ALERTABLE_TYPES, SEVERITIES } from './alert-enums';

/** `event` belongs to event alerts: on any other alertable_type (manual by default) it is refused, naming the field. */
function OnlyForEventAlerts(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'onlyForEventAlerts',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} is only accepted when alertable_type is event (it is ${String((args.object as { alertable_type?: string }).alertable_type ?? 'manual')})`,
      },
      validator: { validate: (_value: unknown, args: ValidationArguments) => (args.object as { alertable_type?: string }).alertable_type === 'event' },
    });
}

export class AlertRuleRefDto {
  /** @example "rule-bf-01" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;

  /** @example "Brute force detection" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** What the rule looks for, as it reads when the alert is raised. @example "More than 20 failed logins of one user in 5 minutes" */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** Whether the rule is active when the alert is raised. @example true */
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  /** The analytic the rule belongs to (seed 000: `FR` for face recognition). @example "FR" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  analytic_id?: string;
}

/** An alert of any of seed 000's kinds (manual by default; event alerts may carry `event`). Lifecycle fields (status, timestamps, actors) are the server's. */
export class CreateAlertDto {
  /** @example "brute_force" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  type: string;

  /** @example "auth-gateway" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  source: string;

  /** @example "Brute force detection on vpn-gw" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title: string;

  /** @example "User alice had 42 failed logins in 5 minutes" */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  message?: string;

  @ApiProperty({ enum: SEVERITIES, enumName: 'AlertSeverity', example: 'high' })
  @IsIn(SEVERITIES)
  severity: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({
    enum: ALERTABLE_TYPES,
    enumName: 'AlertableType',
    default: 'manual',
    description: "What raised the alert (seed 000's kinds); only an `event` alert takes `event`",
  })
  @IsOptional()
  @IsIn(ALERTABLE_TYPES)
  alertable_type?: (typeof ALERTABLE_TYPES)[number];

  @IsOptional()
  @IsString()
  @MaxLength(200)
  alertable_id?: string;

  /** The rule that raised the alert, as it is now: the alert keeps it so, whatever later becomes of the rule (seed 000's alert_rule). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertRuleRefDto)
  alert_rule?: AlertRuleRefDto;

  /** Seed 000's event context (analytic, stream, label, result, times, images): only with `alertable_type: event` (else 400). */
  @IsOptional()
  @OnlyForEventAlerts()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateAlertEventDto)
  event?: CreateAlertEventDto;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  system_key?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  alertname?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  fingerprint?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength },
    maxProperties: LABEL_LIMITS.maxKeys,
    example: { env: 'prod', team: 'soc' },
  })
  @IsOptional()
  @IsStringRecord(LABEL_LIMITS)
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength },
    maxProperties: ANNOTATION_LIMITS.maxKeys,
    example: { runbook: 'https://runbooks.example.com/bf' },
  })
  @IsOptional()
  @IsStringRecord(ANNOTATION_LIMITS)
  annotations?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  receiver?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  site_id?: string;

  /** The federated instance the alert came from (seed 000's Raisa Gateway instance); absent for a local alert. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'raisa-jakarta-1' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  instance?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignee?: string;

  @ApiPropertyOptional({
    type: [String],
    maxLength: CONTROL_ID_MAX_LENGTH,
    pattern: CONTROL_ID.source,
    maxItems: 50,
    description: 'Control ids the alert evidences, besides those the tenant’s control rules assign',
    example: ['ISO27001:A.8.16'],
  })
  @IsOptional()
  @IsControlIdList()
  controls?: string[];

  @OptionalTags('Tags (case-insensitive, stored in lower case, once each); PUT or PATCH /v1/alerts/{id}/tags changes them later')
  tags?: string[];

  /** When the condition began; defaults to now. */
  @IsOptional()
  @IsDateTimeText(false)
  starts_at?: string;
}

export const MAX_BATCH = 1_000;
const BATCH_LENGTH = { message: `alerts must hold 1 to ${MAX_BATCH.toLocaleString('en')} items` };

/** Only the array is checked here: each item is validated on its own, and an invalid one (a non-object too) is reported by index. */
export class CreateAlertBatchDto {
  @ApiProperty({
    type: [CreateAlertDto],
    minItems: 1,
    maxItems: MAX_BATCH,
    description: 'Up to 1,000 alerts; each is validated on its own and invalid ones are reported by index',
  })
  @IsArray()
  @ArrayMinSize(1, BATCH_LENGTH)
  @ArrayMaxSize(MAX_BATCH, BATCH_LENGTH)
  alerts: unknown[];
}
