import { Prisma } from '@app/database';

/**
 * The statement every writer of retention-relevant state takes first: placing or releasing a legal
 * hold and each purge batch. They then run one after another per tenant, so a batch always sees a hold
 * committed before it (and a hold never lands in the middle of a batch).
 */
export function retentionLock(tenantId: string): Prisma.Sql {
  return Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`retention:${tenantId}`}, 0))`;
}
