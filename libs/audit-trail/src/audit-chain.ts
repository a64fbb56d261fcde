import type { AuditEvent } from '@app/database';

import { GENESIS_HASH, hashEvent } from './audit-hash';

const BATCH = 2_000;

/** The events of a tenant's chain with seq > afterSeq, in seq order, at most `take` (any client: scoped, plain). */
export type ChainReader = (tenantId: string, afterSeq: bigint, take: number) => Promise<AuditEvent[]>;

export interface ChainCheck {
  checked: number;
  /** The first event whose seq, link or hash does not match. */
  firstBrokenId: string | null;
  lastSeq: bigint | null;
  lastHash: string | null;
  /** False when `maxEvents` stopped the walk before the chain (or `toSeq`) ended. */
  complete: boolean;
}

/**
 * Walks a tenant's chain from `fromSeq` (default 1) to `toSeq` (default its end), recomputing every hash
 * and checking every link; the event before `fromSeq` must have `previousHash` (the genesis hash for seq 1).
 * With `maxEvents`, it reads at most that many events (and one more, to know whether the chain goes on).
 */
export async function verifyChain(
  read: ChainReader,
  tenantId: string,
  options: { fromSeq?: bigint; toSeq?: bigint; previousHash?: string; maxEvents?: number } = {},
): Promise<ChainCheck> {
  let previousHash = options.previousHash ?? GENESIS_HASH;
  let expectedSeq = options.fromSeq ?? 1n;
  let after = expectedSeq - 1n;
  const result: ChainCheck = { checked: 0, firstBrokenId: null, lastSeq: null, lastHash: null, complete: true };
  for (;;) {
    const remaining = (options.maxEvents ?? Infinity) - result.checked;
    const take = Math.min(BATCH, remaining + 1);
    const fetched = (await read(tenantId, after, take)).filter((event) => options.toSeq === undefined || event.seq <= options.toSeq);
    const batch = fetched.slice(0, remaining);
    if (batch.length < fetched.length) result.complete = false;
    for (const event of batch) {
      result.checked++;
      const intact = event.seq === expectedSeq && event.prevHash === previousHash && hashEvent(event) === event.hash;
      if (!intact && !result.firstBrokenId) result.firstBrokenId = event.id;
      previousHash = event.hash;
      expectedSeq = event.seq + 1n;
      result.lastSeq = event.seq;
      result.lastHash = event.hash;
    }
    if (!result.complete || fetched.length < take) return result;
    after = batch[batch.length - 1].seq;
  }
}

/** What an evidence pack carries about the audit trail of its period. */
export interface AuditWindowVerification {
  tenant_id: string;
  /** The period (RFC 3339; from null: the chain's start). */
  from: string | null;
  to: string;
  /** The chain segment that covers the period: first and last seq, checked link by link. */
  first_seq: number | null;
  last_seq: number | null;
  checked: number;
  valid: boolean;
  first_broken_id: string | null;
  /** The hash the segment's first event must link to (the event before it, or 64 zeros). */
  previous_hash: string;
  last_hash: string | null;
  algorithm: string;
  verified_at: string;
}

/** What verifyAuditWindow reads: the plain client or the scoped one, structurally. */
export interface AuditWindowDb {
  auditEvent: {
    findFirst(args: {
      where: Record<string, unknown>;
      orderBy: { seq: 'asc' | 'desc' };
      select: { seq: true; hash: true };
    }): PromiseLike<{ seq: bigint; hash: string } | null>;
    findMany(args: { where: { tenantId: string; seq: { gt: bigint } }; orderBy: { seq: 'asc' }; take: number }): PromiseLike<AuditEvent[]>;
  };
}

/**
 * Verifies the part of a tenant's chain that covers [from, to): from the first event at or after `from`
 * to the last one before `to`, every event in seq order between them (events are ordered by seq, their
 * times may interleave by a few milliseconds), linked to the hash of the event just before.
 */
export async function verifyAuditWindow(db: AuditWindowDb, tenantId: string, from: Date | null, to: Date, now = new Date()): Promise<AuditWindowVerification> {
  const first = await db.auditEvent.findFirst({
    where: { tenantId, ...(from ? { at: { gte: from } } : {}) },
    orderBy: { seq: 'asc' },
    select: { seq: true, hash: true },
  });
  const last = await db.auditEvent.findFirst({ where: { tenantId, at: { lt: to } }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  const base = {
    tenant_id: tenantId,
    from: from?.toISOString() ?? null,
    to: to.toISOString(),
    algorithm: 'SHA-256 over the canonical JSON of each event, prev_hash included (docs/ARCHITECTURE.md)',
    verified_at: now.toISOString(),
  };
  if (!first || !last || last.seq < first.seq) {
    return { ...base, first_seq: null, last_seq: null, checked: 0, valid: true, first_broken_id: null, previous_hash: GENESIS_HASH, last_hash: null };
  }
  const before =
    first.seq > 1n
      ? await db.auditEvent.findFirst({ where: { tenantId, seq: first.seq - 1n }, orderBy: { seq: 'asc' }, select: { seq: true, hash: true } })
      : null;
  const previousHash = before?.hash ?? GENESIS_HASH;
  const read: ChainReader = (tenant, afterSeq, take) =>
    Promise.resolve(db.auditEvent.findMany({ where: { tenantId: tenant, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take }));
  const check = await verifyChain(read, tenantId, { fromSeq: first.seq, toSeq: last.seq, previousHash });
  const complete = check.lastSeq === last.seq;
  return {
    ...base,
    first_seq: Number(first.seq),
    last_seq: Number(last.seq),
    checked: check.checked,
    valid: check.firstBrokenId === null && complete && (first.seq === 1n || before !== null),
    first_broken_id: check.firstBrokenId,
    previous_hash: previousHash,
    last_hash: check.lastHash,
  };
}
