import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';

import { isGiven, IsTimestamp, NotWith } from '@app/common';
import { CONTROL_ID, CONTROL_ID_MAX_LENGTH, IsControlIdList } from '@app/compliance';

import { FOLLOW_UP_STATUSES } from './alert-enums';
import { AlertFilterDto, narrowsAlerts } from './alert-filter.dto';

export class AlertActionDto {
  /** Why; kept in the timeline. @example "Confirmed with the account owner" */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** The longest shelf: 90 days. Longer than that is not snoozing but dismissing. */
export const MAX_SHELVE_SECONDS = 90 * 24 * 3_600;

/** One of `until` and `duration_seconds` must be given (violation code `required`). */
function UntilOrDuration(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'untilOrDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'give until or duration_seconds: how long the alert stays shelved' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => isGiven(value) || isGiven((args.object as Record<string, unknown>).duration_seconds),
      },
    });
}

export class ShelveAlertDto {
  /**
   * When the shelf ends: an RFC 3339 timestamp in the future, at most 90 days ahead. Give this or
   * `duration_seconds`. @example "2026-12-07T08:00:00Z"
   */
  // Checked when given, and when duration_seconds is not: one of the two is required.
  @ValidateIf((dto: ShelveAlertDto) => isGiven(dto.until) || !isGiven(dto.duration_seconds))
  @UntilOrDuration()
  @NotWith('duration_seconds')
  @IsString()
  @MaxLength(40)
  @IsTimestamp()
  until?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 60,
    maximum: MAX_SHELVE_SECONDS,
    description: 'How long the shelf lasts, from now. Give this or `until`',
    example: 3600,
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SHELVE_SECONDS)
  duration_seconds?: number;

  /** Why; kept in the timeline. @example "Known noise during the migration" */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

export class AssignAlertDto {
  /** The new assignee; null unassigns. @example "analyst-002" */
  @ApiProperty({ type: String, nullable: true })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(200)
  assignee: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

export class FollowUpDto {
  @ApiProperty({ enum: FOLLOW_UP_STATUSES, enumName: 'FollowUpStatus' })
  @IsIn(FOLLOW_UP_STATUSES)
  follow_up_status: (typeof FOLLOW_UP_STATUSES)[number];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 5_000,
    description: 'Omitted: the notes stay as they are; null: they are cleared',
    example: 'Sudah diperiksa oleh tim keamanan pukul 09.00 WIB',
  })
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  follow_up_notes?: string | null;
}

export const MAX_BULK_IDS = 1_000;
/** Most alerts one bulk request by filter acts on; the answer's `next_after` goes on from there. */
export const MAX_BULK_FILTER_ALERTS = 10_000;

/** A bulk filter must narrow the alerts, or come with `"all": true`: an empty one would change every alert of the tenant. */
function NarrowsOrAll(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'narrowsOrAll',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'an empty filter matches every alert of the tenant: give at least one filter field, or send "all": true to act on all of them' },
      validator: {
        // With ids too, the collision is the one violation (NotWith); a filter that is no object, IsObject's.
        validate: (value: unknown, args?: ValidationArguments) => {
          const body = args?.object as BulkActionDto;
          return body.all === true || isGiven(body.ids) || !(value instanceof AlertFilterDto) || narrowsAlerts(value);
        },
      },
    });
}

/**
 * Exactly one of `ids` (1 to 1,000 alert ids) or `filter`; null counts as not given. Whichever is given
 * is validated in full, also when both are (which is itself a violation, on `filter`). A filter that
 * narrows nothing needs `all: true`; `dry_run` answers the count and changes nothing.
 */
export class BulkActionDto {
  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: MAX_BULK_IDS, description: 'Alert ids; exactly one of ids or filter' })
  @ValidateIf((body: BulkActionDto) => isGiven(body.ids) || !isGiven(body.filter))
  @IsDefined({ message: 'give ids (1 to 1,000 alert ids) or a filter' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @IsString({ each: true })
  @Matches(/^alr_[0-9A-Z]{26}$/, { each: true, message: 'each id must be an alert id (alr_…)' })
  ids?: string[] | null;

  @ApiPropertyOptional({
    type: AlertFilterDto,
    description: 'Every alert the list would show with these filters; exactly one of ids or filter. A filter that narrows nothing (`{}`) needs `"all": true`',
  })
  @ValidateIf((body: BulkActionDto) => isGiven(body.filter))
  @NotWith('ids')
  @IsObject()
  @ValidateNested()
  @Type(() => AlertFilterDto)
  @NarrowsOrAll()
  filter?: AlertFilterDto | null;

  /** With a filter only: confirms that a filter narrowing nothing (`{}`) means every alert of the tenant. @example true */
  @IsOptional()
  @IsBoolean()
  @NotWith('ids', { message: 'all is only taken with a filter, not with ids' })
  all?: boolean;

  /**
   * With a filter only: acts on the alerts after this id (in id order), the `next_after` of the answer
   * before, when the filter matched more than one request acts on. @example "alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4"
   */
  @IsOptional()
  @NotWith('ids', { message: 'after is only taken with a filter, not with ids' })
  @IsString()
  @Matches(/^alr_[0-9A-Z]{26}$/, { message: 'after must be an alert id (alr_…)' })
  after?: string;

  /** Answers how many alerts the request would act on (`matched`), with no outcomes, and changes nothing. @example true */
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** PUT /v1/alerts/{id}/controls: the alert's controls from now on (replacing the rules' and earlier edits). */
export class SetAlertControlsDto {
  @ApiProperty({
    type: [String],
    maxLength: CONTROL_ID_MAX_LENGTH,
    pattern: CONTROL_ID.source,
    maxItems: 50,
    description: 'Control ids; [] clears them',
    example: ['ISO27001:A.8.15', 'PCI:10.2.1.1'],
  })
  @IsArray()
  @IsControlIdList()
  controls: string[];

  /** Why; kept in the timeline. */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** PATCH /v1/alerts/{id}/controls: controls to add and to remove (at least one of the two). */
export class PatchAlertControlsDto {
  @ApiPropertyOptional({ type: [String], maxLength: CONTROL_ID_MAX_LENGTH, pattern: CONTROL_ID.source, maxItems: 50, example: ['PCI:10.6.1'] })
  @ValidateIf((body: PatchAlertControlsDto) => body.add !== undefined || body.remove === undefined)
  @IsArray()
  @IsControlIdList()
  add?: string[];

  @ApiPropertyOptional({ type: [String], maxLength: CONTROL_ID_MAX_LENGTH, pattern: CONTROL_ID.source, maxItems: 50, example: ['ISO27001:A.8.16'] })
  @IsOptional()
  @IsArray()
  @IsControlIdList()
  remove?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** Re-applies the control rules to the alerts a filter selects (every alert of the tenant without one). */
export class ApplyControlRulesDto {
  @ApiPropertyOptional({ type: AlertFilterDto, description: 'The alerts to re-evaluate, as the list would select them' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertFilterDto)
  filter?: AlertFilterDto;
}
