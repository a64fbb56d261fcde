import { Inject } from '@nestjs/common';

import { currentPrincipal } from '@app/common';

import { PrismaClient } from './generated/prisma/client';
import { TenantScope, tenancyExtension } from './tenancy';

/** The request principal's scope: its tenant, or every tenant for admin. None outside a request. */
export function principalScope(): TenantScope | undefined {
  const principal = currentPrincipal();
  if (!principal) return undefined;
  return principal.isAdmin ? { allTenants: true } : { tenantId: principal.tenantId };
}

export function createScopedClient(prisma: PrismaClient, scope: () => TenantScope | undefined = principalScope) {
  return prisma.$extends(tenancyExtension(scope));
}

/** The Prisma client services use: every query of tenant data is limited to the caller's tenant. */
export type ScopedPrismaClient = ReturnType<typeof createScopedClient>;
export const SCOPED_PRISMA = Symbol('SCOPED_PRISMA');
export const InjectScopedPrisma = (): ParameterDecorator => Inject(SCOPED_PRISMA);
