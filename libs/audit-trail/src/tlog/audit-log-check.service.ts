import { Injectable } from '@nestjs/common';

import { Prisma, PrismaService } from '@app/database';

import { canonicalEvent } from '../audit-hash';
import { CheckpointKeys } from './checkpoint-keys';
import { leafHash, MissingNodeError, RootAccumulator, treeRoot, withNodes } from './merkle';
import { openNote, parseCheckpointBody } from './signed-note';
import { loadNodes } from './tree-store';

const READ_BATCH = 5_000;

/** Why a tenant's log does not match its checkpoints. */
export const LOG_CHECK_REASONS = ['checkpoint_signature', 'events_missing', 'events_changed', 'tree_changed'] as const;
export type LogCheckReason = (typeof LOG_CHECK_REASONS)[number];

export interface LogCheckFinding {
  reason: LogCheckReason;
  /** The first checkpoint (by tree size) the log does not match. */
  treeSize: number;
}

/**
 * Change detection (PCI DSS 10.3.4): checks a tenant's audit log against every checkpoint it was given,
 * as an outsider holding those checkpoints would. Each checkpoint's note must verify with a published
 * key and name this tenant's origin, its size and its root; one pass over the events (O(log n) memory)
 * must give each checkpoint's root at its size; and the stored tree must give the latest one's root (the
 * proofs come from it). So a superuser who rewrites an event, removes or reorders events, or rewrites
 * the chain hashes and the stored tree after it, is found by the first checkpoint signed before the
 * change; a checkpoint row replaced without the signing key, by its signature.
 */
@Injectable()
export class AuditLogCheckService {
  constructor(
    private readonly db: PrismaService,
    private readonly keys: CheckpointKeys,
  ) {}

  /** The tenants that have a checkpoint to check against. */
  async tenantsWithCheckpoints(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT t.id FROM tenants t WHERE EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.tenant_id = t.id) ORDER BY t.id`,
    );
    return rows.map((row) => row.id);
  }

  /** The first mismatch found, or null when the log matches every checkpoint. */
  async check(tenantId: string): Promise<LogCheckFinding | null> {
    const checkpoints = (
      await this.db.auditCheckpoint.findMany({ where: { tenantId }, orderBy: { treeSize: 'asc' }, select: { treeSize: true, rootHash: true, note: true } })
    ).map((c) => ({ size: Number(c.treeSize), root: Buffer.from(c.rootHash), note: c.note }));
    if (checkpoints.length === 0) return null;
    for (const checkpoint of checkpoints) {
      const opened = openNote(checkpoint.note, this.keys.keys);
      const body = opened && opened.verifiedBy.length > 0 ? parseCheckpointBody(opened.text) : null;
      const matches = body && body.origin === this.keys.origin(tenantId) && body.treeSize === checkpoint.size && body.root.equals(checkpoint.root);
      if (!matches) return { reason: 'checkpoint_signature', treeSize: checkpoint.size };
    }
    const roots = new RootAccumulator();
    let next = 0;
    let after = 0n;
    while (next < checkpoints.length) {
      const events = await this.db.auditEvent.findMany({ where: { tenantId, seq: { gt: after } }, orderBy: { seq: 'asc' }, take: READ_BATCH });
      for (const event of events) {
        if (event.seq !== BigInt(roots.size + 1)) return { reason: 'events_missing', treeSize: checkpoints[next].size };
        roots.push(leafHash(canonicalEvent(event)));
        if (roots.size === checkpoints[next].size) {
          if (!roots.root().equals(checkpoints[next].root)) return { reason: 'events_changed', treeSize: checkpoints[next].size };
          if (++next === checkpoints.length) break;
        }
      }
      if (next < checkpoints.length && events.length < READ_BATCH) return { reason: 'events_missing', treeSize: checkpoints[next].size };
      after = events.length > 0 ? events[events.length - 1].seq : after;
    }
    const latest = checkpoints[checkpoints.length - 1];
    try {
      const stored = await withNodes(
        (node) => treeRoot(node, latest.size),
        (keys) => loadNodes(this.db, tenantId, keys),
      );
      return stored.equals(latest.root) ? null : { reason: 'tree_changed', treeSize: latest.size };
    } catch (error) {
      if (error instanceof MissingNodeError) return { reason: 'tree_changed', treeSize: latest.size };
      throw error;
    }
  }
}
