import { appendNodes, canonicalEvent, GENESIS_HASH, hashEvent, leafHash } from '@app/audit-trail';
import { Prisma, PrismaClient } from '@app/database';

type Tx = Prisma.TransactionClient;

/**
 * What an insider with superuser rights can do to a tenant's audit log: with the append-only triggers off,
 * change its events, then recompute every chain hash and every stored tree node, so that the chain verifies
 * and the tree agrees with the events. Only checkpoints kept outside catch it.
 */
export async function rewriteAuditLog(
  prisma: PrismaClient,
  tenantId: string,
  change: (tx: Tx, events: { id: string; seq: bigint }[]) => Promise<unknown>,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const table of ['audit_events', 'audit_tree_nodes', 'audit_checkpoints']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await change(tx, await tx.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' }, select: { id: true, seq: true } }));
    let prevHash = GENESIS_HASH;
    const events = await tx.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
    for (const event of events) {
      const hash = hashEvent({ ...event, prevHash });
      if (event.prevHash !== prevHash || event.hash !== hash)
        await tx.auditEvent.update({ where: { id_at: { id: event.id, at: event.at } }, data: { prevHash, hash } });
      event.prevHash = prevHash;
      prevHash = hash;
    }
    const nodes = appendNodes(
      0,
      events.map((event) => leafHash(canonicalEvent(event))),
      () => Buffer.alloc(0),
    );
    await tx.$executeRaw`DELETE FROM audit_tree_nodes WHERE tenant_id = ${tenantId}`;
    for (const node of nodes)
      await tx.$executeRaw`INSERT INTO audit_tree_nodes (tenant_id, level, idx, hash) VALUES (${tenantId}, ${node.level}, ${node.idx}, ${node.hash})`;
    for (const table of ['audit_events', 'audit_tree_nodes', 'audit_checkpoints']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}
