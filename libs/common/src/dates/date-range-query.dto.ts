import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

import { INSTANT_RANGE, isTimeZone, parseInstant, parseTimestamp } from './zoned-time';

/** An IANA time zone name. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an IANA time zone such as UTC or Asia/Jakarta`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isTimeZone(value) },
    });
}

function zoneOf(args: ValidationArguments, zoneField: string): string {
  const zone = (args.object as Record<string, unknown>)[zoneField];
  return typeof zone === 'string' && isTimeZone(zone) ? zone : 'UTC';
}

/** An RFC 3339 timestamp, or a date (YYYY-MM-DD) read in the request's time zone. */
export function IsInstant(zoneField = 'timezone', options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an RFC 3339 timestamp or a date (YYYY-MM-DD), ${INSTANT_RANGE.text}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => typeof value === 'string' && parseInstant(value, zoneOf(args, zoneField)) !== null,
      },
    });
}

/** Alertmanager's "no end yet" (`endsAt` of a firing alert), the one date outside the range a body may send where `orZeroTime` says so. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** An RFC 3339 timestamp with a time (a body's dates), through the same parser and range as every other date. */
export function IsTimestamp(settings: { orZeroTime?: boolean } = {}, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an RFC 3339 timestamp ${INSTANT_RANGE.text}`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ((settings.orZeroTime === true && value === ZERO_TIME) || parseTimestamp(value) !== null),
      },
    });
}

/** Must name a later instant than `otherField` (both read in the request's time zone). */
export function IsAfter(otherField: string, zoneField = 'timezone', options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAfter',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [otherField],
      options: { message: `${String(propertyName)} must be after ${otherField}`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const other = (args.object as Record<string, unknown>)[otherField];
          if (typeof value !== 'string' || typeof other !== 'string') return true;
          const zone = zoneOf(args, zoneField);
          const [to, from] = [parseInstant(value, zone), parseInstant(other, zone)];
          return !to || !from || to.getTime() > from.getTime();
        },
      },
    });
}

/** `created_from` (inclusive) and `created_to` (exclusive); dates without a time are read in `timezone`. */
export class DateRangeQueryDto {
  /** Inclusive lower bound: RFC 3339, or YYYY-MM-DD read in `timezone`. @example "2025-04-01" */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant()
  created_from?: string;

  /** Exclusive upper bound; must be after created_from. @example "2025-05-01" */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant()
  @IsAfter('created_from')
  created_to?: string;

  @ApiPropertyOptional({ default: 'UTC', description: 'IANA time zone for date-only bounds', example: 'Asia/Jakarta' })
  @IsOptional()
  @MaxLength(64)
  @IsTimeZone()
  timezone?: string;
}

export function dateRange(query: DateRangeQueryDto): { gte?: Date; lt?: Date } {
  const zone = query.timezone ?? 'UTC';
  const range: { gte?: Date; lt?: Date } = {};
  if (query.created_from) range.gte = parseInstant(query.created_from, zone) ?? undefined;
  if (query.created_to) range.lt = parseInstant(query.created_to, zone) ?? undefined;
  return range;
}
