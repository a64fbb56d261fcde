import { cursorColumns, CursorValue, SortDirection } from '@app/common';

import { Prisma } from './generated/prisma/client';

/**
 * Prisma `where` and `orderBy` for a keyset page on (sortField, id): rows strictly after `after` in
 * the given order. The composite indexes (tenant_id, field, id) serve both directions.
 */
export function keysetWhere(sortField: string, after: [CursorValue, string] | null, direction: SortDirection): Record<string, unknown> {
  if (!after) return {};
  const op = direction === 'desc' ? 'lt' : 'gt';
  const [value] = cursorColumns(after[0], 1);
  const id = after[1];
  if (sortField === 'id') return { id: { [op]: id } };
  return { OR: [{ [sortField]: { [op]: value } }, { [sortField]: value, id: { [op]: id } }] };
}

export function keysetOrder(sortField: string, direction: SortDirection): Record<string, SortDirection>[] {
  return sortField === 'id' ? [{ id: direction }] : [{ [sortField]: direction }, { id: direction }];
}

/** What keysetReads needs of a Prisma model delegate (scoped or plain). */
export interface PagedDelegate<T> {
  count(args: { where: object }): PromiseLike<number>;
  findMany(args: { where: object; skip?: number; take: number; orderBy: Record<string, SortDirection>[] }): PromiseLike<T[]>;
}

/** The count and both page reads of a Paginator list source over one Prisma model, sorted by `sortField` then id. */
export function keysetReads<T>(delegate: PagedDelegate<T>, where: object, sortField: string) {
  return {
    count: () => Promise.resolve(delegate.count({ where })),
    readOffset: (skip: number, take: number, direction: SortDirection) =>
      Promise.resolve(delegate.findMany({ where, skip, take, orderBy: keysetOrder(sortField, direction) })),
    readKeyset: (after: [CursorValue, string] | null, take: number, direction: SortDirection) =>
      Promise.resolve(
        delegate.findMany({ where: { AND: [where, keysetWhere(sortField, after, direction)] }, take, orderBy: keysetOrder(sortField, direction) }),
      ),
  };
}

/** ANDs conditions onto a WHERE clause that may be empty (Prisma.empty). */
export function andWhere(where: Prisma.Sql, conditions: Prisma.Sql[]): Prisma.Sql {
  if (conditions.length === 0) return where;
  const joined = Prisma.join(conditions, ' AND ');
  return where === Prisma.empty ? Prisma.sql`WHERE ${joined}` : Prisma.sql`${where} AND ${joined}`;
}

/** The WHERE clause of the conditions that are not null; Prisma.empty when none is. */
export function whereOf(conditions: (Prisma.Sql | null)[]): Prisma.Sql {
  return andWhere(
    Prisma.empty,
    conditions.filter((condition): condition is Prisma.Sql => condition !== null),
  );
}

/**
 * A keyset page in SQL on (sort column, id), for raw reads of one table: the row comparison that puts a
 * page after `after` (null: none) and the ORDER BY, both in `direction`. The comparison is an index
 * condition of a (tenant_id, column, id) index, where Prisma's `OR` form would be a filter after it.
 */
export function sqlKeyset(
  column: Prisma.Sql,
  type: string,
  id: Prisma.Sql,
  after: [CursorValue, string] | null,
  direction: SortDirection,
): { after: Prisma.Sql[]; orderBy: Prisma.Sql } {
  const dir = Prisma.raw(direction === 'asc' ? 'ASC' : 'DESC');
  const orderBy = Prisma.sql`ORDER BY ${column} ${dir}, ${id} ${dir}`;
  if (!after) return { after: [], orderBy };
  const [value] = cursorColumns(after[0], 1);
  const op = Prisma.raw(direction === 'asc' ? '>' : '<');
  return { after: [Prisma.sql`(${column}, ${id}) ${op} (${value}::${Prisma.raw(type)}, ${after[1]})`], orderBy };
}
