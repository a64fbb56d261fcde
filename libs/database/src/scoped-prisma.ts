import { AsyncLocalStorage } from 'node:async_hooks';

import { Inject } from '@nestjs/common';

import { currentPrincipal } from '@app/common';

import { PrismaClient } from './generated/prisma/client';
import { TenantScope, tenancyExtension } from './tenancy';
import { ALL_TENANTS } from './tenant-scope';

const chosenScope = new AsyncLocalStorage<TenantScope>();

/**
 * Runs `work` with a scope chosen by the caller, for code outside a request that uses services built on
 * the scoped client (system work: ALL_TENANTS; a job of one tenant: oneTenant). Without a request or
 * such a scope, the scoped client refuses to run (TenantScopeMissingError).
 */
export function runInTenantScope<T>(scope: TenantScope, work: () => T): T {
  return chosenScope.run(scope, work);
}

/** The request principal's scope (its tenant, or every tenant for admin), else the one runInTenantScope chose; none otherwise. */
export function principalScope(): TenantScope | undefined {
  const principal = currentPrincipal();
  if (!principal) return chosenScope.getStore();
  return principal.isAdmin ? ALL_TENANTS : { tenantId: principal.tenantId };
}

export function createScopedClient(prisma: PrismaClient, scope: () => TenantScope | undefined = principalScope) {
  return prisma.$extends(tenancyExtension(scope));
}

/** The Prisma client services use: every query of tenant data is limited to the caller's tenant. */
export type ScopedPrismaClient = ReturnType<typeof createScopedClient>;
export const SCOPED_PRISMA = Symbol('SCOPED_PRISMA');
export const InjectScopedPrisma = (): ParameterDecorator => Inject(SCOPED_PRISMA);
