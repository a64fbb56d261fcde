import { Prisma } from '@app/database';

/**
 * The tenant's active tenant-wide legal hold (`id`), if any: what the retention purge refuses to purge
 * under and what keeps finished exports from being deleted. A statement of its own, or `NOT EXISTS (…)`.
 */
export function activeTenantHoldSql(tenantId: string): Prisma.Sql {
  return Prisma.sql`SELECT h.id FROM legal_holds h WHERE h.tenant_id = ${tenantId} AND h.scope = 'tenant' AND h.released_at IS NULL LIMIT 1`;
}
