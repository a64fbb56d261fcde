import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { ApiQueryEnum } from '../swagger/query-enum';
import { ToBoolean, ToInt } from '../validation/transformers';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 20;
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const PAGINATION_MODES = ['offset', 'cursor'] as const;
export type PaginationMode = (typeof PAGINATION_MODES)[number];

/**
 * The longest cursor the API writes or reads: one sort value (at most 500 characters, a title; each at most
 * 6 bytes as JSON), the id and the list binding, base64url-encoded, then a dot and an HMAC: under 4,600.
 */
export const CURSOR_MAX_LENGTH = 8_192;

/** Paging parameters every list accepts. Lists add `sort_by` with their own allowed fields. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 1, description: 'Page number for offset paging, from 1' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PAGE_SIZE, description: 'Items per page' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  page_size?: number;

  /** Opaque cursor from `next_cursor` or `prev_cursor`; switches to cursor paging. */
  @ApiPropertyOptional({ type: String, maxLength: CURSOR_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX_LENGTH)
  cursor?: string;

  @ApiQueryEnum({
    enum: PAGINATION_MODES,
    enumName: 'PaginationMode',
    default: 'offset',
    description: '`cursor` asks for cursor paging from the first page (a `cursor` implies it)',
  })
  @IsOptional()
  @IsIn(PAGINATION_MODES)
  pagination?: PaginationMode;

  /**
   * `true` adds the exact total count (a COUNT query), `false` leaves the total out. Its default depends
   * on the mode, so the parameter declares none: without it an offset page has a total (the alerts list
   * counts it up to 1,000 and answers the planner's estimate beyond, with `total_is_estimate: true`) and
   * a cursor page has none.
   */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  include_total?: boolean;

  @ApiQueryEnum({
    enum: SORT_DIRECTIONS,
    enumName: 'SortDirection',
    default: 'desc',
    description: 'Direction of every sort column, the id tie-breaker included',
  })
  @IsOptional()
  @IsIn(SORT_DIRECTIONS)
  sort_direction?: SortDirection;
}
