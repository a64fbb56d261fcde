import { CursorCodec, CursorPosition, CursorScalar, CursorValue, invalidCursor } from './cursor-codec';
import { DEFAULT_PAGE_SIZE, PageQueryDto, PaginationMode, SortDirection } from './page-query.dto';

export interface Pagination {
  mode: PaginationMode;
  page: number | null;
  page_size: number;
  total: number | null;
  /** True when `total` is the planner's estimate (the default of a large offset list), not a count. */
  total_is_estimate: boolean;
  total_pages: number | null;
  has_next: boolean;
  has_prev: boolean;
  next_page: number | null;
  prev_page: number | null;
  next_cursor: string | null;
  prev_cursor: string | null;
  sort_by: string;
  sort_direction: SortDirection;
}

export interface Page<T> {
  items: T[];
  total: number | null;
  total_is_estimate: boolean;
  pagination: Pagination;
}

/** Up to this many matching rows the default offset total is counted; beyond, estimated (ListSource.estimate). */
export const EXACT_TOTAL_UP_TO = 1000;

interface Total {
  total: number;
  estimate: boolean;
}

/** One sort column's value of a row (null only for nullable sort columns). */
export type SortScalar = string | number | Date | null;
/**
 * A row's sort value before the id tie-breaker: one column's, or for a composite sort (severity, then
 * created_at) each column's in order.
 */
export type SortValue = SortScalar | SortScalar[];

/** How one list sorts and reads its rows; the query-building side stays with the list's repository. */
export interface ListSource<T> {
  /** The API name of the sort field and the row's value for it. */
  sortBy: string;
  sortValue(row: T): SortValue;
  id(row: T): string;
  /** What a cursor is bound to besides the sort: resource, tenant and filters. */
  scope: unknown;
  count(): Promise<number>;
  /**
   * A list whose exact count grows costly with the data (alerts) offers this: the planner's estimate of
   * the count (no rows read) and a count that stops after `limit` rows. Offset pages without
   * `include_total` then answer the count up to EXACT_TOTAL_UP_TO and the estimate beyond.
   */
  estimate?: { rows(): Promise<number>; countUpTo(limit: number): Promise<number> };
  /** Rows in the given order, after `skip` rows. */
  readOffset(skip: number, take: number, direction: SortDirection): Promise<T[]>;
  /** Rows strictly after `after` (sort value, id) in the given order; from the start when null. */
  readKeyset(after: [CursorValue, string] | null, take: number, direction: SortDirection): Promise<T[]>;
}

function reverse(direction: SortDirection): SortDirection {
  return direction === 'asc' ? 'desc' : 'asc';
}

function toCursorScalar(value: SortScalar): CursorScalar {
  return value instanceof Date ? { date: value.toISOString() } : value;
}

export function toCursorValue(value: SortValue): CursorValue {
  return Array.isArray(value) ? value.map(toCursorScalar) : toCursorScalar(value);
}

function fromCursorScalar(value: CursorScalar): SortScalar {
  if (value !== null && typeof value === 'object') {
    const date = new Date(value.date);
    if (Number.isNaN(date.getTime())) throw invalidCursor();
    return date;
  }
  return value;
}

/** Reads a cursor's sort value back: dates were stored as { date }. */
export function fromCursorValue(value: CursorValue): SortValue {
  return Array.isArray(value) ? value.map(fromCursorScalar) : fromCursorScalar(value);
}

/**
 * A cursor's sort value as one value per sort column (`columns` of them, before the id): a sort on one
 * column keeps a plain value, a composite sort one value per column. A cursor of another shape (issued
 * before the list's sort key changed) is an invalid cursor, not a query error.
 */
export function cursorColumns(value: CursorValue, columns: number): SortScalar[] {
  if (columns === 1 && !Array.isArray(value)) return [fromCursorScalar(value)];
  if (columns !== 1 && Array.isArray(value) && value.length === columns) return value.map(fromCursorScalar);
  throw invalidCursor();
}

function exactTotal(source: ListSource<unknown>): Promise<Total> {
  return source.count().then((total) => ({ total, estimate: false }));
}

/**
 * The default total of an offset page of a list that estimates: the estimate when it is above
 * EXACT_TOTAL_UP_TO, else a count of at most one row more than that (so a low estimate costs a bounded
 * count); a count that reached the bound is not exact and answers the larger of it and the estimate.
 */
async function defaultTotal(estimate: NonNullable<ListSource<unknown>['estimate']>): Promise<Total> {
  const rows = await estimate.rows();
  if (rows > EXACT_TOTAL_UP_TO) return { total: rows, estimate: true };
  const counted = await estimate.countUpTo(EXACT_TOTAL_UP_TO + 1);
  return counted > EXACT_TOTAL_UP_TO ? { total: Math.max(counted, rows), estimate: true } : { total: counted, estimate: false };
}

/**
 * The one paginator every list uses: offset pages (with a total by default, estimated
 * beyond EXACT_TOTAL_UP_TO for lists that offer an estimate) or keyset cursor pages in
 * both directions on (sort value, id), stable under concurrent inserts. The sort value may be composite
 * (several columns before the id); the source says how its rows compare.
 */
export class Paginator {
  constructor(private readonly codec: CursorCodec) {}

  async paginate<T>(query: PageQueryDto, source: ListSource<T>): Promise<Page<T>> {
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const direction = query.sort_direction ?? 'desc';
    const cursorMode = query.cursor !== undefined || query.pagination === 'cursor';
    return cursorMode ? this.cursorPage(query, source, pageSize, direction) : this.offsetPage(query, source, pageSize, direction);
  }

  private async offsetPage<T>(query: PageQueryDto, source: ListSource<T>, pageSize: number, direction: SortDirection): Promise<Page<T>> {
    const page = query.page ?? 1;
    const counted =
      query.include_total === false ? null : query.include_total === undefined && source.estimate ? defaultTotal(source.estimate) : exactTotal(source);
    const [rows, found] = await Promise.all([source.readOffset((page - 1) * pageSize, pageSize + 1, direction), counted]);
    const hasNext = rows.length > pageSize;
    const total = found?.total ?? null;
    const estimate = found?.estimate ?? false;
    const totalPages = total === null ? null : Math.ceil(total / pageSize);
    return {
      items: rows.slice(0, pageSize),
      total,
      total_is_estimate: estimate,
      pagination: {
        mode: 'offset',
        page,
        page_size: pageSize,
        total,
        total_is_estimate: estimate,
        total_pages: totalPages,
        has_next: hasNext,
        has_prev: page > 1,
        next_page: hasNext ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
        next_cursor: null,
        prev_cursor: null,
        sort_by: source.sortBy,
        sort_direction: direction,
      },
    };
  }

  private async cursorPage<T>(query: PageQueryDto, source: ListSource<T>, pageSize: number, direction: SortDirection): Promise<Page<T>> {
    const binding = CursorCodec.binding({ scope: source.scope, sort: source.sortBy, direction });
    const position: CursorPosition | null = query.cursor ? this.codec.decode(query.cursor, binding) : null;
    const after = position ? ([toCursorValue(fromCursorValue(position.key[0])), position.key[1]] as [CursorValue, string]) : null;
    const backwards = position?.direction === 'prev';
    const [rows, total] = await Promise.all([
      source.readKeyset(after, pageSize + 1, backwards ? reverse(direction) : direction),
      query.include_total ? source.count() : Promise.resolve(null),
    ]);
    const more = rows.length > pageSize;
    const items = rows.slice(0, pageSize);
    if (backwards) items.reverse();
    // Going forward there is a previous page whenever we came from a cursor; going back, whenever more rows exist.
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : position !== null;
    const keyOf = (row: T): [CursorValue, string] => [toCursorValue(source.sortValue(row)), source.id(row)];
    const first = items[0];
    const last = items[items.length - 1];
    return {
      items,
      total,
      total_is_estimate: false,
      pagination: {
        mode: 'cursor',
        page: null,
        page_size: pageSize,
        total,
        total_is_estimate: false,
        total_pages: total === null ? null : Math.ceil(total / pageSize),
        has_next: hasNext && last !== undefined,
        has_prev: hasPrev && first !== undefined,
        next_page: null,
        prev_page: null,
        next_cursor: hasNext && last !== undefined ? this.codec.encode({ direction: 'next', key: keyOf(last) }, binding) : null,
        prev_cursor: hasPrev && first !== undefined ? this.codec.encode({ direction: 'prev', key: keyOf(first) }, binding) : null,
        sort_by: source.sortBy,
        sort_direction: direction,
      },
    };
  }
}
