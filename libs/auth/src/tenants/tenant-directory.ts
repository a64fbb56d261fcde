import { Injectable } from '@nestjs/common';

import { PrismaService } from '@app/database';

/** More tenants than any deployment has; past it the memory starts over rather than grow. */
const MAX_REMEMBERED = 100_000;

/**
 * Whether a tenant exists, for the credentials guard: a validly signed JWT may name a tenant that does
 * not exist, and every write of its principal would then fail on a foreign key. Tenants are never
 * deleted, so an existing one is remembered for the life of the process and costs one primary-key
 * read per process; an unknown one is read each time (it may be created any moment; it takes a signed
 * credential to ask).
 */
@Injectable()
export class TenantDirectory {
  private readonly known = new Set<string>();

  constructor(private readonly prisma: PrismaService) {}

  async exists(tenantId: string): Promise<boolean> {
    if (this.known.has(tenantId)) return true;
    const found = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (!found) return false;
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.add(tenantId);
    return true;
  }
}
