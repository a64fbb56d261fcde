import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MaxLength } from 'class-validator';

import { IsTimestamp } from './date-range-query.dto';

/**
 * The longest RFC 3339 date-time the API reads (as for `created_from`), and a bound on every one it writes:
 * those are at most 27 characters (`+275760-09-13T00:00:00.000Z`, a JavaScript Date's widest).
 */
export const DATE_TIME_MAX_LENGTH = 40;

/**
 * A date-time body field: an RFC 3339 timestamp in the API's one allowed range (`IsTimestamp`), of at most
 * DATE_TIME_MAX_LENGTH characters, declared so in the OpenAPI document.
 */
export function IsDateTimeText(required: boolean, settings: { orZeroTime?: boolean } = {}): PropertyDecorator {
  const document = required ? ApiProperty : ApiPropertyOptional;
  return applyDecorators(
    document({ type: String, format: 'date-time', maxLength: DATE_TIME_MAX_LENGTH }),
    MaxLength(DATE_TIME_MAX_LENGTH),
    IsTimestamp(settings),
  );
}
