import { Injectable } from '@nestjs/common';

import { CursorValue, Page, Paginator, Principal, SortDirection } from '@app/common';
import { AppConfig } from '@app/config';
import { andWhere, AuditEvent, InjectScopedPrisma, PlainSql, Prisma, requestScope, ScopedPrismaClient, sqlKeyset } from '@app/database';
import { appendOutboxEvents } from '@app/events';

import { ChainReader, verifyChain } from './audit-chain';
import { GENESIS_HASH } from './audit-hash';
import { AuditChainMetrics } from './audit-chain-metrics';
import { AUDIT_EVENT_COLUMNS, auditTrailWhere } from './audit-trail-where';
import { appendAuditEvent, AuditEntry, recordAuditEvents } from './audit-trail.writer';
import { AuditVerificationDto } from './dto/audit-event.dto';
import { ListAuditTrailQueryDto } from './dto/list-audit-trail-query.dto';
import { VerifyAuditTrailQuery } from './dto/verify-audit-trail-query.dto';

/** Interactive transactions of the scoped client (tenant filters apply inside them too). */
export type ScopedTx = Parameters<Parameters<ScopedPrismaClient['$transaction']>[0]>[0];

@Injectable()
export class AuditTrailService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
    private readonly config: AppConfig,
    private readonly metrics: AuditChainMetrics,
    private readonly sql: PlainSql,
  ) {}

  /**
   * Records an event in its own transaction (reads; changes record inside theirs with `recordIn`), on a
   * plain pg connection in two round trips: the same lock and chain, where Prisma's interactive
   * transaction took about 4 ms of every audited read (a transparency-log proof, docs/BENCHMARKS.md).
   */
  async record(entry: AuditEntry): Promise<void> {
    await recordAuditEvents(this.sql, entry.tenantId, [entry]);
  }

  recordIn(tx: ScopedTx, entry: AuditEntry): Promise<AuditEvent> {
    return appendAuditEvent(tx, entry);
  }

  async list(query: ListAuditTrailQueryDto, principal: Principal): Promise<Page<AuditEvent>> {
    const where = auditTrailWhere(query, requestScope(principal, query.tenant_id));
    const read = (after: [CursorValue, string] | null, take: number, skip: number, direction: SortDirection) => {
      const keyset = sqlKeyset(Prisma.sql`e.at`, 'timestamptz', Prisma.sql`e.id`, after, direction);
      return this.db.$queryRaw<AuditEvent[]>(
        Prisma.sql`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events e ${andWhere(where, keyset.after)} ${keyset.orderBy} LIMIT ${take} OFFSET ${skip}`,
      );
    };
    const page = await this.paginator.paginate<AuditEvent>(query, {
      sortBy: 'at',
      scope: { resource: 'audit-trail', where: [where.sql, where.values] },
      sortValue: (event) => event.at,
      id: (event) => event.id,
      count: async () => (await this.db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM audit_events e ${where}`))[0].n,
      readOffset: (skip, take, direction) => read(null, take, skip, direction),
      readKeyset: (after, take, direction) => read(after, take, 0, direction),
    });
    await this.record({
      tenantId: principal.tenantId,
      action: 'audit_trail.read',
      resourceType: 'audit_trail',
      details: { filters: query as unknown as Prisma.InputJsonObject, returned: page.items.length },
    });
    return page;
  }

  /**
   * Walks each visible tenant's chain in order, recomputing every hash and checking every link, and
   * answers the first event that does not match, in tenant order. It reads at most
   * AUDIT_VERIFY_MAX_EVENTS events per call (one caller cannot make the database read
   * a whole chain of millions of events at will): from `from_seq` (linked to the hash of the event
   * before it) of the tenant's chain, or, for an admin without tenant_id, of each tenant from
   * `from_tenant_id` on in id order, sharing the budget. An incomplete answer names where to continue.
   */
  async verify(principal: Principal, query: VerifyAuditTrailQuery = {}): Promise<AuditVerificationDto> {
    const tenants = principal.isAdmin
      ? query.tenant_id
        ? [query.tenant_id]
        : (
            await this.db.tenant.findMany({
              where: query.from_tenant_id ? { id: { gte: query.from_tenant_id } } : {},
              select: { id: true },
              orderBy: { id: 'asc' },
            })
          ).map((t) => t.id)
      : [principal.tenantId];
    const read: ChainReader = (tenant, after, take) =>
      this.db.auditEvent.findMany({ where: { tenantId: tenant, seq: { gt: after } }, orderBy: { seq: 'asc' }, take });
    const fromSeq = BigInt(query.from_seq ?? 1);
    let budget = this.config.auditVerifyMaxEvents;
    let checked = 0;
    let walked = 0;
    let firstBroken: string | null = null;
    let brokenTenant: string | null = null;
    let lastSeq: bigint | null = null;
    let next: { tenant: string; seq: bigint } | null = null;
    for (const [index, tenant] of tenants.entries()) {
      const start = index === 0 ? fromSeq : 1n;
      if (budget === 0) {
        next = { tenant, seq: start };
        break;
      }
      const before = start > 1n ? await this.db.auditEvent.findFirst({ where: { tenantId: tenant, seq: start - 1n }, select: { hash: true } }) : null;
      const check = await verifyChain(read, tenant, { fromSeq: start, previousHash: before?.hash ?? GENESIS_HASH, maxEvents: budget });
      walked++;
      checked += check.checked;
      budget -= check.checked;
      lastSeq = check.lastSeq ?? lastSeq;
      firstBroken = check.firstBrokenId;
      if (firstBroken) {
        brokenTenant = tenant;
        break;
      }
      if (!check.complete) {
        next = { tenant, seq: (check.lastSeq ?? start - 1n) + 1n };
        break;
      }
    }
    const valid = firstBroken === null;
    this.metrics.verified('chain', valid);
    const entry: AuditEntry = {
      tenantId: principal.tenantId,
      action: 'audit_trail.verify',
      resourceType: 'audit_trail',
      details: { checked, valid, first_broken_id: firstBroken, from_seq: Number(fromSeq), complete: next === null },
    };
    await this.db.$transaction(async (tx) => {
      // A broken chain is told to the tenant's webhooks and live streams (audit.chain_failed), with the verification's record.
      if (brokenTenant)
        await appendOutboxEvents(tx, [
          {
            tenantId: brokenTenant,
            type: 'audit.chain_failed',
            data: { tenant_id: brokenTenant, first_broken_id: firstBroken, checked, verified_by: principal.subject },
          },
        ]);
      await appendAuditEvent(tx, entry);
    });
    return {
      valid,
      checked,
      first_broken_id: firstBroken,
      tenants: walked,
      complete: next === null,
      from_seq: Number(fromSeq),
      last_seq: lastSeq === null ? null : Number(lastSeq),
      next_tenant_id: next?.tenant ?? null,
      next_from_seq: next === null ? null : Number(next.seq),
    };
  }
}
