import { cursorColumns, CursorValue, SortDirection } from '@app/common';

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
    readOffset: (skip: number, take: number, direction: SortDirection) => Promise.resolve(delegate.findMany({ where, skip, take, orderBy: keysetOrder(sortField, direction) })),
    readKeyset: (after: [CursorValue, string] | null, take: number, direction: SortDirection) =>
      Promise.resolve(delegate.findMany({ where: { AND: [where, keysetWhere(sortField, after, direction)] }, take, orderBy: keysetOrder(sortField, direction) })),
  };
}
