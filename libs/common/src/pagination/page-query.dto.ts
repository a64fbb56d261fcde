import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { ToBoolean, ToInt } from '../validation/transformers';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 20;
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const PAGINATION_MODES = ['offset', 'cursor'] as const;
export type PaginationMode = (typeof PAGINATION_MODES)[number];

/** Paging parameters every list accepts. Lists add `sort_by` with their own allowed fields. */
export class PageQueryDto {
  /** Page number for offset paging, from 1. */
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1_000_000)
  page?: number;

  /** Items per page (default 20). */
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  page_size?: number;

  /** Opaque cursor from `next_cursor` or `prev_cursor`; switches to cursor paging. */
  @IsOptional() @IsString() @MaxLength(2048)
  cursor?: string;

  @ApiPropertyOptional({ enum: PAGINATION_MODES, enumName: 'PaginationMode', description: '`cursor` asks for cursor paging from the first page' })
  @IsOptional() @IsIn(PAGINATION_MODES)
  pagination?: PaginationMode;

  /** Adds the total count (a COUNT query): on by default in offset mode, off in cursor mode. */
  @IsOptional() @ToBoolean() @IsBoolean()
  include_total?: boolean;

  @ApiPropertyOptional({ enum: SORT_DIRECTIONS, enumName: 'SortDirection', default: 'desc' })
  @IsOptional() @IsIn(SORT_DIRECTIONS)
  sort_direction?: SortDirection;
}
