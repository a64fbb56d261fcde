import { Prisma, SqlRun } from '@app/database';

import { NodeKey, nodeKey } from './merkle';

/** Prisma's client or one of its interactive transactions, or a plain pg transaction (sqlDb): raw statements built with Prisma.sql. */
export interface Db {
  $queryRaw<T>(query: Prisma.Sql): PromiseLike<T>;
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
}

/** A plain pg transaction as a Db. */
export function sqlDb(run: SqlRun): Db {
  return {
    $queryRaw: <T>(query: Prisma.Sql) => run(query) as Promise<T>,
    $executeRaw: async (query: Prisma.Sql) => (await run(query)).length,
  };
}

/** Orders appends and checkpoints of one tenant (never taken by the writers of audit events). */
export async function lockTree(tx: Db, tenantId: string): Promise<void> {
  await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`tlog:${tenantId}`}, 0))`);
}

/** Leaves in the stored tree: the next leaf's index. */
export async function treeSize(tx: Db, tenantId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ size: string }[]>(
    Prisma.sql`SELECT coalesce(max(idx) + 1, 0)::text AS size FROM audit_tree_nodes WHERE tenant_id = ${tenantId} AND level = 0`,
  );
  return Number(row.size);
}

/** The stored nodes of these keys, in one read of the primary key. */
export async function loadNodes(tx: Db, tenantId: string, keys: NodeKey[]): Promise<Map<string, Buffer>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ level: number; idx: string; hash: string }[]>(Prisma.sql`
    SELECT n.level::int AS level, n.idx::text AS idx, encode(n.hash, 'hex') AS hash
      FROM audit_tree_nodes n
      JOIN unnest(${keys.map((k) => k.level)}::int[], ${keys.map((k) => String(k.idx))}::text[]) AS k(level, idx)
        ON n.level = k.level AND n.idx = k.idx::bigint
     WHERE n.tenant_id = ${tenantId}`);
  return new Map(rows.map((row) => [nodeKey(row.level, Number(row.idx)), Buffer.from(row.hash, 'hex')]));
}
