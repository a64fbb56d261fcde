import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import { CommaSeparated, queryListMaxItems } from '@app/common';

import { SUPPRESSED_EVENT_FILTER } from '../event-filter';
import { EVENT_TYPES, EventType } from '../event-types';

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** GET /v1/events: which events, with the webhook filters, and the credential of a client that cannot send headers. */
export class EventsQueryDto {
  @ApiPropertyOptional({
    enum: EVENT_TYPES,
    enumName: 'EventType',
    isArray: true,
    ...queryListMaxItems(EVENT_TYPES.length),
    description: 'Comma-separated; default: every type the credential may read. Each needs its read scope (403 otherwise).',
    example: ['alert.created', 'alert.status_changed'],
  })
  @IsOptional()
  @CommaSeparated()
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: EventType[];

  @ApiPropertyOptional({
    enum: SEVERITIES,
    enumName: 'AlertSeverity',
    isArray: true,
    ...queryListMaxItems(5),
    description: 'Alert events of these severities only',
  })
  @IsOptional()
  @CommaSeparated()
  @ArrayMaxSize(5)
  @IsIn(SEVERITIES, { each: true })
  severity?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 20, maxLength: 200, description: 'Alert events of these sources only (exact)' })
  @IsOptional()
  @CommaSeparated()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  source?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, maxLength: 22, description: 'Alert and threat case events carrying any of these controls' })
  @IsOptional()
  @CommaSeparated()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(22, { each: true })
  control?: string[];

  @ApiPropertyOptional({
    enum: SUPPRESSED_EVENT_FILTER,
    description:
      'Alert events of alerts a maintenance window suppressed: `false` (the default) leaves them out, as the alert list does; `true` only them; `any` both',
  })
  @IsOptional()
  @IsIn(SUPPRESSED_EVENT_FILTER)
  suppressed?: (typeof SUPPRESSED_EVENT_FILTER)[number];

  /** The credential (a JWT or an `ak_` key) for clients that cannot send headers, such as EventSource; a header wins. Prefer a short-lived JWT: URLs end up in logs. */
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  access_token?: string;
}
