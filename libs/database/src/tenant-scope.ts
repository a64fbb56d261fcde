import type { Principal } from '@app/common';

import { Prisma } from './generated/prisma/client';
import type { TenantScope } from './tenancy';
import { tenantParam } from './tenant-param';

/** Every tenant: an admin reading without a tenant filter, or system work (the purge, the sweeper). */
export const ALL_TENANTS: TenantScope = Object.freeze({ allTenants: true as const });

export function oneTenant(tenantId: string): TenantScope {
  return { tenantId };
}

/**
 * Whose data a request reads: its own tenant, or for admin the tenant it asks for (`tenant_id`) or
 * every tenant when it names none. The one place where "all tenants" follows from a request.
 */
export function requestScope(principal: Principal, requestedTenant?: string | null): TenantScope {
  if (!principal.isAdmin) return oneTenant(principal.tenantId);
  return requestedTenant ? oneTenant(requestedTenant) : ALL_TENANTS;
}

/** The scope's tenant, or null for every tenant (for code that compares or logs it). */
export function scopedTenant(scope: TenantScope): string | null {
  return 'tenantId' in scope ? scope.tenantId : null;
}

/** The scope as a Prisma `where` part: `{ tenantId }`, or nothing for every tenant. */
export function tenantWhere(scope: TenantScope): { tenantId?: string } {
  return 'tenantId' in scope ? { tenantId: scope.tenantId } : {};
}

/** `<column> = tenant` for raw SQL, or null for every tenant (to leave out of a WHERE). */
export function tenantCondition(scope: TenantScope, column: Prisma.Sql): Prisma.Sql | null {
  return 'tenantId' in scope ? Prisma.sql`${column} = ${scope.tenantId}` : null;
}

/** The same with the tenant as tenantParam: for statements that find rows by primary key. */
export function tenantKeyCondition(scope: TenantScope, column: Prisma.Sql): Prisma.Sql | null {
  return 'tenantId' in scope ? Prisma.sql`${column} = ${tenantParam(scope.tenantId)}` : null;
}
