import { CursorValue, fromCursorValue, SortDirection } from '@app/common';

/**
 * Prisma `where` and `orderBy` for a keyset page on (sortField, id): rows strictly after `after` in
 * the given order. The composite indexes (tenant_id, field, id) serve both directions.
 */
export function keysetWhere(sortField: string, after: [CursorValue, string] | null, direction: SortDirection): Record<string, unknown> {
  if (!after) return {};
  const op = direction === 'desc' ? 'lt' : 'gt';
  const value = fromCursorValue(after[0]);
  const id = after[1];
  if (sortField === 'id') return { id: { [op]: id } };
  return { OR: [{ [sortField]: { [op]: value } }, { [sortField]: value, id: { [op]: id } }] };
}

export function keysetOrder(sortField: string, direction: SortDirection): Record<string, SortDirection>[] {
  return sortField === 'id' ? [{ id: direction }] : [{ [sortField]: direction }, { id: direction }];
}
