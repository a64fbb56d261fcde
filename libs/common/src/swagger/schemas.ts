import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { DATE_TIME_MAX_LENGTH } from '../dates/date-time-text';
import { CURSOR_MAX_LENGTH, PAGINATION_MODES, SORT_DIRECTIONS } from '../pagination/page-query.dto';
import { PROBLEM_LIMITS, problemTypeUri } from '../problem/problem-document';
import { PROBLEM_SLUG_MAX_LENGTH as SLUG_MAX_LENGTH } from '../problem/problem-types';

export const TOTAL_IS_ESTIMATE =
  'True when `total` (and `total_pages`) is an estimate: the alerts list answers its default offset total exactly up to 1,000 and estimates it beyond, without counting; `include_total=true` asks for the exact count. False whenever `total` is a count or null';

export class FieldViolationSchema {
  @ApiProperty({ example: 'items[0].severity', maxLength: PROBLEM_LIMITS.name, description: 'Dot notation, array items as [index].' })
  field: string;
  @ApiProperty({ example: '/body/items/0/severity', maxLength: PROBLEM_LIMITS.name, description: 'JSON Pointer into the request part (body, query or path).' })
  pointer: string;
  @ApiProperty({ enum: ['required', 'type', 'format', 'range', 'length', 'enum', 'unknown', 'invalid'], enumName: 'FieldViolationCode' })
  code: string;
  @ApiProperty({ example: 'severity must be one of the following values: info, low, medium, high, critical', maxLength: PROBLEM_LIMITS.text })
  description: string;
  @ApiPropertyOptional({ description: 'The offending value; only outside production and never for secrets.' })
  value?: unknown;
}

/** RFC 9457 problem details as this API returns them (application/problem+json). */
export class ProblemSchema {
  @ApiProperty({
    example: '/problems/validation-error',
    maxLength: problemTypeUri('').length + SLUG_MAX_LENGTH,
    description: 'URI of the problem type; GET it for its documentation.',
  })
  type: string;
  @ApiProperty({ example: 'Invalid request parameters', maxLength: PROBLEM_LIMITS.text })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiProperty({ example: '1 field(s) of the request are invalid.', maxLength: PROBLEM_LIMITS.text })
  detail: string;
  @ApiProperty({
    example: '/v1/alerts?page_size=500',
    maxLength: PROBLEM_LIMITS.instance,
    description: 'The request path and query (cut to its bound, ending in …)',
  })
  instance: string;
  @ApiProperty({ example: 10000001, description: '8-digit business code: service, module, error (docs/ERRORS.md).' })
  code: number;
  @ApiProperty({ example: 'problems.validation-error', maxLength: 'problems.'.length + SLUG_MAX_LENGTH })
  i18n_key: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { count: 1 } })
  i18n_args: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [FieldViolationSchema],
    maxItems: PROBLEM_LIMITS.errors,
    description: 'The first violations found (i18n_args.count is how many there were)',
  })
  errors?: FieldViolationSchema[];
  @ApiProperty({
    example: 'req_550e8400-e29b-41d4-a716-446655440000',
    maxLength: 128,
    description: 'X-Request-Id as sent (at most 128 characters of A-Z a-z 0-9 . _ : @ -), or req_<uuid>',
  })
  request_id: string;
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736', maxLength: 32, pattern: '^[0-9a-f]{32}$' })
  trace_id: string;
  @ApiProperty({ example: '00f067aa0ba902b7', maxLength: 16, pattern: '^[0-9a-f]{16}$' })
  span_id: string;
  @ApiProperty({ example: 'alert-ledger', maxLength: PROBLEM_LIMITS.service })
  service: string;
  @ApiProperty({ example: '2026-04-03T12:00:00.000Z', format: 'date-time', maxLength: DATE_TIME_MAX_LENGTH })
  timestamp: string;
  @ApiPropertyOptional({ example: 30, description: 'Seconds to wait (429 and 503).' })
  retry_after?: number;
}

export class PaginationSchema {
  @ApiProperty({ enum: PAGINATION_MODES, enumName: 'PaginationMode' }) mode: string;
  @ApiProperty({ type: Number, nullable: true }) page: number | null;
  @ApiProperty() page_size: number;
  @ApiProperty({ type: Number, nullable: true }) total: number | null;
  @ApiProperty({ description: TOTAL_IS_ESTIMATE }) total_is_estimate: boolean;
  @ApiProperty({ type: Number, nullable: true }) total_pages: number | null;
  @ApiProperty() has_next: boolean;
  @ApiProperty() has_prev: boolean;
  @ApiProperty({ type: Number, nullable: true }) next_page: number | null;
  @ApiProperty({ type: Number, nullable: true }) prev_page: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH }) next_cursor: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH }) prev_cursor: string | null;
  @ApiProperty({ maxLength: 50, description: 'One of the list’s sort fields (its sort_by parameter names them)' }) sort_by: string;
  @ApiProperty({ enum: SORT_DIRECTIONS, enumName: 'SortDirection' }) sort_direction: string;
}
