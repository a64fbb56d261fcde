import { currentPrincipal, publicId, RequestContextStore } from '@app/common';
import { AuditEvent, insertJsonRows, PlainSql, Prisma, SqlRun, tenantParam } from '@app/database';

import { GENESIS_HASH, hashEvent } from './audit-hash';

export interface AuditEntry {
  tenantId: string;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  outcome?: 'success' | 'failure';
  details?: Prisma.InputJsonObject;
  /** Defaults to the request principal, or `system`. */
  actor?: { id: string; type: 'jwt' | 'api_key' | 'system' };
}

/**
 * What the writer needs of a transaction, structurally, so that both the plain client (CLI, worker)
 * and the tenant-scoped one (api) fit.
 */
export interface AuditTx {
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
  $queryRaw<T>(query: Prisma.Sql): PromiseLike<T>;
  auditEvent: {
    create(args: { data: Prisma.AuditEventUncheckedCreateInput }): PromiseLike<AuditEvent>;
    createMany(args: { data: Prisma.AuditEventUncheckedCreateInput[] }): PromiseLike<{ count: number }>;
  };
}

/**
 * Appends one event to its tenant's chain inside the caller's transaction, so the event exists exactly
 * when the change it records does. A transaction-scoped advisory lock per tenant orders concurrent
 * writers, so each event links to the one committed before it.
 */
export async function appendAuditEvent(tx: AuditTx, entry: AuditEntry, now = new Date()): Promise<AuditEvent> {
  const [fields] = await chain(tx, entry.tenantId, [entry], now);
  return tx.auditEvent.create({ data: fields });
}

/**
 * Appends many events of one tenant at once (bulk actions, batches): one lock, one read of the chain's
 * end, one insert. Answers how many were written.
 */
export async function appendAuditEvents(tx: AuditTx, tenantId: string, entries: AuditEntry[], now = new Date()): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await chain(tx, tenantId, entries, now);
  return (await tx.auditEvent.createMany({ data: rows })).count;
}

async function chain(tx: AuditTx, tenantId: string, entries: AuditEntry[], now: Date): Promise<Prisma.AuditEventUncheckedCreateInput[]> {
  const [lock, end] = chainEndStatements(tenantId);
  await tx.$executeRaw(lock);
  const [last] = await tx.$queryRaw<ChainEndRow[]>(end);
  return linkEvents(last ? { seq: BigInt(last.last_seq), hash: last.hash } : null, tenantId, entries, now);
}

/** Events linked after the chain's last one (null: the chain is empty), each hashed with its predecessor. */
function linkEvents(last: { seq: bigint; hash: string } | null, tenantId: string, entries: AuditEntry[], now: Date): Prisma.AuditEventUncheckedCreateInput[] {
  let seq = last?.seq ?? 0n;
  let prevHash = last?.hash ?? GENESIS_HASH;
  return entries.map((entry) => {
    if (entry.tenantId !== tenantId) throw new Error('appendAuditEvents takes the events of one tenant');
    const fields = eventFields(entry, ++seq, prevHash, now);
    const hash = hashEvent(fields);
    prevHash = hash;
    return { id: publicId('aud', now.getTime()), ...fields, hash };
  });
}

function eventFields(entry: AuditEntry, seq: bigint, prevHash: string, now: Date) {
  const request = RequestContextStore.current();
  const principal = currentPrincipal();
  const actor = entry.actor ?? (principal ? { id: principal.subject, type: principal.kind } : { id: 'system', type: 'system' as const });
  return {
    tenantId: entry.tenantId,
    seq,
    at: now,
    actor: actor.id,
    actorType: actor.type,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    outcome: entry.outcome ?? 'success',
    ip: request?.ip ?? null,
    userAgent: request?.userAgent ?? null,
    requestId: request?.requestId ?? null,
    traceId: request?.trace.traceId ?? null,
    details: entry.details ?? {},
    prevHash,
  };
}

const AUDIT_COLUMNS = [
  'id',
  'tenant_id',
  'seq',
  'at',
  'actor',
  'actor_type',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'ip',
  'user_agent',
  'request_id',
  'trace_id',
  'details',
  'prev_hash',
  'hash',
];

/**
 * appendAuditEvents for a plain-pg transaction (bulk ingestion, the retention purge's months): the same
 * lock, the same chain, one INSERT of all the events. Answers their ids in chain order.
 */
export async function appendAuditEventsSql(run: SqlRun, tenantId: string, entries: AuditEntry[], now = new Date()): Promise<string[]> {
  if (entries.length === 0) return [];
  const [lock, end] = chainEndStatements(tenantId);
  await run(lock);
  const written = await run<{ id: string; seq: string }>(
    Prisma.sql`${insertStatement(await run<ChainEndRow>(end), tenantId, entries, now)} RETURNING id, seq::text AS seq`,
  );
  return written.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => row.id);
}

/**
 * Appends events in a transaction of their own in two round trips of the database (the audit record of
 * an audited read, on every such request): the lock and the read of the chain's end in one, the INSERT
 * and COMMIT in the other.
 */
export async function recordAuditEvents(sql: PlainSql, tenantId: string, entries: AuditEntry[], now = new Date()): Promise<void> {
  if (entries.length === 0) return;
  await sql.twoRoundTrips<ChainEndRow>(chainEndStatements(tenantId), (end) => [insertStatement(end, tenantId, entries, now)]);
}

type ChainEndRow = { last_seq: string; hash: string };

/** Takes the tenant's chain lock (until the transaction ends), then reads the chain's last event. */
function chainEndStatements(tenantId: string): [Prisma.Sql, Prisma.Sql] {
  return [
    Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`,
    // (The alias must differ from the column: ORDER BY would otherwise sort the text alias.) The tenant as
    // tenantParam: with a literal the planner reads the month's statistics for this tenant, and where they
    // do not know it (a tenant new this month) it expects one row a month and sorts all the tenant's events
    // of the months instead of stepping back once in each (docs/BENCHMARKS.md, "Alertmanager ingestion").
    Prisma.sql`SELECT seq::text AS last_seq, hash FROM audit_events WHERE tenant_id = ${tenantParam(tenantId)} ORDER BY seq DESC LIMIT 1`,
  ];
}

/** One INSERT of the events, linked after the chain's end (no row: the chain is empty). */
function insertStatement([last]: ChainEndRow[], tenantId: string, entries: AuditEntry[], now: Date): Prisma.Sql {
  const rows = linkEvents(last ? { seq: BigInt(last.last_seq), hash: last.hash } : null, tenantId, entries, now).map((r) => ({
    id: r.id,
    tenant_id: r.tenantId,
    seq: (r.seq as bigint).toString(),
    at: r.at,
    actor: r.actor,
    actor_type: r.actorType,
    action: r.action,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    outcome: r.outcome,
    ip: r.ip,
    user_agent: r.userAgent,
    request_id: r.requestId,
    trace_id: r.traceId,
    details: r.details ?? {},
    prev_hash: r.prevHash,
    hash: r.hash,
  }));
  return insertJsonRows('audit_events', AUDIT_COLUMNS, rows);
}
