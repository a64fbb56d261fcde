import { Injectable } from '@nestjs/common';

import { ProblemException, ProblemTypes } from '@app/common';
import { AuditCheckpoint, PlainSql, Prisma, PrismaService } from '@app/database';

import { canonicalEvent, HashedEvent } from '../audit-hash';
import { AUDIT_EVENT_COLUMNS } from '../audit-trail-where';
import { AuditTrailProblems } from '../errors/audit-trail-problems';
import { CheckpointKeys } from './checkpoint-keys';
import { appendNodes, consistencyPath, frontier, inclusionPath, leafHash, MissingNodeError, nodeKey, treeRoot, withNodes } from './merkle';
import { checkpointBody, signNote } from './signed-note';
import { loadNodes, lockTree, sqlDb, treeSize } from './tree-store';

/** Leaves appended per transaction: a long backlog (the first run over an old log) goes a batch at a time. */
const APPEND_BATCH = 5_000;

export interface InclusionProof {
  eventId: string;
  leafIndex: number;
  leafHash: Buffer;
  path: Buffer[];
  checkpoint: AuditCheckpoint;
}

export interface ConsistencyProof {
  first: number;
  /** The root of the tree of `first` leaves: its checkpoint's, or computed from the stored tree when no checkpoint has that size. */
  firstRoot: Buffer;
  second: AuditCheckpoint;
  path: Buffer[];
}

/**
 * Each tenant's audit events as the leaves of a Merkle tree (leaf index = seq - 1), its signed
 * checkpoints, and the proofs between them. The tree is appended by the worker, never by the writers of
 * audit events (ingestion pays nothing for it): under a per-tenant advisory lock, each append reads the
 * new events, hashes them and stores every complete subtree they finish. Raw SQL here names the tenant
 * itself (the unscoped client): the worker has no principal, and the api passes the principal's tenant.
 */
@Injectable()
export class TransparencyLogService {
  constructor(
    private readonly db: PrismaService,
    private readonly keys: CheckpointKeys,
    private readonly sql: PlainSql,
  ) {}

  /** The proofs' node reads, on plain pg (a proof answers in a few milliseconds; Prisma's runtime was a good part of them). */
  private readonly reads = sqlDb((query) => this.sql.rows(query));

  /**
   * Appends the tenant's new audit events to its tree; answers the tree's size. On a plain pg connection:
   * Prisma's reading of every event cost ingestion beside it (docs/BENCHMARKS.md, "The transparency log").
   */
  async appendTree(tenantId: string): Promise<number> {
    for (;;) {
      const { size, added } = await this.sql.transaction(async (run) => {
        const tx = sqlDb(run);
        await lockTree(tx, tenantId);
        const before = await treeSize(tx, tenantId);
        const rows = await run<Omit<HashedEvent, 'seq'> & { seq: string }>(
          Prisma.sql`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events e WHERE e.tenant_id = ${tenantId} AND e.seq > ${before} ORDER BY e.seq LIMIT ${APPEND_BATCH}`,
        );
        const events: HashedEvent[] = rows.map((row) => ({ ...row, seq: BigInt(row.seq) }));
        // Seqs are dense (given out under the chain's lock, committed in order); a gap would make leaf indexes lie, so stop at one.
        const gap = events.findIndex((event, i) => event.seq !== BigInt(before + i + 1));
        const contiguous = gap < 0 ? events : events.slice(0, gap);
        if (contiguous.length === 0) return { size: before, added: 0 };
        const known = await loadNodes(tx, tenantId, frontier(before));
        const nodes = appendNodes(
          before,
          contiguous.map((event) => leafHash(canonicalEvent(event))),
          (level, idx) => {
            const node = known.get(nodeKey(level, idx));
            if (!node) throw new MissingNodeError(level, idx);
            return node;
          },
        );
        await run(Prisma.sql`
          INSERT INTO audit_tree_nodes (tenant_id, level, idx, hash)
          SELECT ${tenantId}, n.level, n.idx::bigint, decode(n.hash, 'hex')
            FROM unnest(${nodes.map((n) => n.level)}::int[], ${nodes.map((n) => String(n.idx))}::text[], ${nodes.map((n) => n.hash.toString('hex'))}::text[]) AS n(level, idx, hash)`);
        return { size: before + contiguous.length, added: contiguous.length };
      });
      if (added < APPEND_BATCH) return size;
    }
  }

  /**
   * Brings the tree up to date and signs a checkpoint of it when it grew since the latest one. Answers
   * the new checkpoint (`issued`) or the latest one (null for an empty log).
   */
  async issueCheckpoint(tenantId: string, now = new Date()): Promise<{ checkpoint: AuditCheckpoint | null; issued: boolean }> {
    const key = this.keys.active;
    if (!key) throw new ProblemException(AuditTrailProblems.checkpointSigningDisabled);
    await this.appendTree(tenantId);
    return this.db.$transaction(async (tx) => {
      await lockTree(tx, tenantId);
      const size = await treeSize(tx, tenantId);
      const latest = await tx.auditCheckpoint.findFirst({ where: { tenantId }, orderBy: { treeSize: 'desc' } });
      if (size === 0 || (latest && Number(latest.treeSize) >= size)) return { checkpoint: latest, issued: false };
      const root = await withNodes(
        (node) => treeRoot(node, size),
        (keys) => loadNodes(tx, tenantId, keys),
      );
      const note = signNote(checkpointBody(this.keys.origin(tenantId), size, root), key);
      const checkpoint = await tx.auditCheckpoint.create({
        data: { tenantId, treeSize: BigInt(size), rootHash: new Uint8Array(root), issuedAt: now, keyName: key.name, keyId: key.keyHash.toString('hex'), note },
      });
      return { checkpoint, issued: true };
    });
  }

  /** The tenants whose log grew since their latest checkpoint (one index probe each). */
  async tenantsBehind(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT t.id FROM tenants t
        CROSS JOIN LATERAL (SELECT e.seq FROM audit_events e WHERE e.tenant_id = t.id ORDER BY e.seq DESC LIMIT 1) last
        LEFT JOIN LATERAL (SELECT c.tree_size FROM audit_checkpoints c WHERE c.tenant_id = t.id ORDER BY c.tree_size DESC LIMIT 1) cp ON true
       WHERE last.seq > coalesce(cp.tree_size, 0)
       ORDER BY t.id`);
    return rows.map((row) => row.id);
  }

  /** The tenant's checkpoint of that tree size, or its latest (404 when there is none). */
  async checkpoint(tenantId: string, treeSize?: number): Promise<AuditCheckpoint> {
    return (await this.findCheckpoint(tenantId, treeSize)) ?? notFound(treeSize);
  }

  /** The checkpoint of that size, or the latest: plain pg, as every read a proof makes. */
  private async findCheckpoint(tenantId: string, treeSize?: number): Promise<AuditCheckpoint | null> {
    const [row] = await this.sql.rows<CheckpointRow>(checkpointSql(tenantId, treeSize));
    return row ? checkpointOf(row) : null;
  }

  /**
   * PATH(leaf, tree of the checkpoint): the event's inclusion in the tenant's checkpoint of that size
   * (default: the latest). `answerable` is called once every way the request can be refused has been
   * checked, and awaited with the read of the tree's nodes (the controller records the read there).
   */
  async inclusionProof(tenantId: string, eventId: string, treeSize?: number, answerable = nothingToDo): Promise<InclusionProof> {
    // The event's place and the checkpoint in one read.
    const [{ eventSeq, ...found }] = await this.sql.rows<Nullable<CheckpointRow> & { eventSeq: string | null }>(
      Prisma.sql`SELECT (SELECT seq::text FROM audit_events WHERE id = ${eventId} AND tenant_id = ${tenantId}) AS "eventSeq", c.*
                   FROM (SELECT) one LEFT JOIN LATERAL (${checkpointSql(tenantId, treeSize)}) c ON true`,
    );
    if (eventSeq === null) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'audit event', id: eventId } });
    const checkpoint = found.treeSize === null ? notFound(treeSize) : checkpointOf(found as CheckpointRow);
    const size = Number(checkpoint.treeSize);
    const leafIndex = Number(eventSeq) - 1;
    if (leafIndex >= size)
      throw new ProblemException(AuditTrailProblems.auditEventNotInTree, {
        args: { id: eventId, leaf_index: leafIndex, tree_size: size },
        extensions: { leaf_index: leafIndex, tree_size: size },
      });
    const [path] = await Promise.all([this.pathAt(tenantId, leafIndex, size), answerable()]);
    return { eventId, leafIndex, ...path, checkpoint };
  }

  /** The leaf hash at `leafIndex` and its audit path (RFC 9162 PATH) in the tenant's tree of `size` leaves. */
  pathAt(tenantId: string, leafIndex: number, size: number): Promise<{ leafHash: Buffer; path: Buffer[] }> {
    return withNodes(
      (node) => ({ leafHash: node(0, leafIndex), path: inclusionPath(node, leafIndex, size) }),
      (keys) => loadNodes(this.reads, tenantId, keys),
    );
  }

  /**
   * PROOF(first, tree of second): that the tenant's checkpoint of size `second` extends its tree of `first`
   * leaves. `first` need not be a checkpoint the server still holds (RFC 9162's get-sth-consistency takes
   * any first size): an auditor checks the proof against the root they kept, so a log that lost or replaced
   * that checkpoint still answers, and its proof fails. `answerable`: as for inclusionProof.
   */
  async consistencyProof(tenantId: string, first: number, second: number, answerable = nothingToDo): Promise<ConsistencyProof> {
    if (first > second) throw new ProblemException(AuditTrailProblems.consistencySizesReversed, { args: { first, second } });
    const rows = (
      await this.sql.rows<CheckpointRow>(
        Prisma.sql`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tenant_id = ${tenantId} AND tree_size IN (${first}, ${second})`,
      )
    ).map(checkpointOf);
    const [from, to] = [first, second].map((size) => rows.find((row) => Number(row.treeSize) === size));
    if (!to) notFound(second);
    const [{ path, root }] = await Promise.all([
      withNodes(
        (node) => ({ path: consistencyPath(node, first, second), root: from ? Buffer.from(from.rootHash) : treeRoot(node, first) }),
        (keys) => loadNodes(this.reads, tenantId, keys),
      ),
      answerable(),
    ]);
    return { first, firstRoot: root, second: to, path };
  }
}

/** A proof's `answerable`: called once the request is known to be answerable, awaited with the reads of the tree's nodes. */
const nothingToDo = (): Promise<void> => Promise.resolve();

const CHECKPOINT_COLUMNS = Prisma.sql`tenant_id AS "tenantId", tree_size::text AS "treeSize", root_hash AS "rootHash", issued_at AS "issuedAt", key_name AS "keyName", key_id AS "keyId", note`;

type CheckpointRow = Omit<AuditCheckpoint, 'treeSize'> & { treeSize: string };
type Nullable<T> = { [K in keyof T]: T[K] | null };

/** The tenant's checkpoint of that size, or its latest. */
function checkpointSql(tenantId: string, treeSize?: number): Prisma.Sql {
  return treeSize === undefined
    ? Prisma.sql`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tenant_id = ${tenantId} ORDER BY tree_size DESC LIMIT 1`
    : Prisma.sql`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tenant_id = ${tenantId} AND tree_size = ${treeSize}`;
}

function checkpointOf(row: CheckpointRow): AuditCheckpoint {
  return { ...row, treeSize: BigInt(row.treeSize) };
}

function notFound(treeSize: number | undefined): never {
  throw new ProblemException(AuditTrailProblems.checkpointNotFound, { args: { tree_size: treeSize ?? 'any' } });
}
