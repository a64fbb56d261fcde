import { Injectable } from '@nestjs/common';

import { dateRange, Page, Paginator, Principal } from '@app/common';
import { AuditEvent, InjectScopedPrisma, keysetOrder, keysetWhere, Prisma, ScopedPrismaClient } from '@app/database';

import { ChainReader, verifyChain } from './audit-chain';
import { AuditChainMetrics } from './audit-chain-metrics';
import { appendAuditEvent, AuditEntry } from './audit-trail.writer';
import { AuditVerificationDto } from './dto/audit-event.dto';
import { ListAuditTrailQueryDto } from './dto/list-audit-trail-query.dto';

/** Interactive transactions of the scoped client (tenant filters apply inside them too). */
export type ScopedTx = Parameters<Parameters<ScopedPrismaClient['$transaction']>[0]>[0];

@Injectable()
export class AuditTrailService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
    private readonly metrics: AuditChainMetrics,
  ) {}

  /** Records an event in its own transaction (reads; changes record inside theirs with `recordIn`). */
  record(entry: AuditEntry): Promise<AuditEvent> {
    return this.db.$transaction((tx) => appendAuditEvent(tx, entry));
  }

  recordIn(tx: ScopedTx, entry: AuditEntry): Promise<AuditEvent> {
    return appendAuditEvent(tx, entry);
  }

  async list(query: ListAuditTrailQueryDto, principal: Principal): Promise<Page<AuditEvent>> {
    const where: Prisma.AuditEventWhereInput = {
      ...(principal.isAdmin && query.tenant_id ? { tenantId: query.tenant_id } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.action?.length ? { action: { in: query.action } } : {}),
      ...(query.resource_type ? { resourceType: query.resource_type } : {}),
      ...(query.resource_id ? { resourceId: query.resource_id } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
    };
    const range = dateRange(query);
    if (range.gte || range.lt) where.at = range;
    const page = await this.paginator.paginate<AuditEvent>(query, {
      sortBy: 'at',
      scope: { resource: 'audit-trail', tenant: principal.isAdmin ? (query.tenant_id ?? '*') : principal.tenantId, where },
      sortValue: (event) => event.at,
      id: (event) => event.id,
      count: () => this.db.auditEvent.count({ where }),
      readOffset: (skip, take, direction) => this.db.auditEvent.findMany({ where, skip, take, orderBy: keysetOrder('at', direction) }),
      readKeyset: (after, take, direction) =>
        this.db.auditEvent.findMany({ where: { AND: [where, keysetWhere('at', after, direction)] }, take, orderBy: keysetOrder('at', direction) }),
    });
    await this.record({ tenantId: principal.tenantId, action: 'audit_trail.read', resourceType: 'audit_trail', details: { filters: query as unknown as Prisma.InputJsonObject, returned: page.items.length } });
    return page;
  }

  /**
   * Walks each visible tenant's chain in order, recomputing every hash and checking every link.
   * Answers the first event that does not match, in tenant order.
   */
  async verify(principal: Principal, tenantId?: string): Promise<AuditVerificationDto> {
    const tenants = principal.isAdmin
      ? tenantId ? [tenantId] : (await this.db.tenant.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((t) => t.id)
      : [principal.tenantId];
    const read: ChainReader = (tenant, after, take) => this.db.auditEvent.findMany({ where: { tenantId: tenant, seq: { gt: after } }, orderBy: { seq: 'asc' }, take });
    let checked = 0;
    let firstBroken: string | null = null;
    for (const tenant of tenants) {
      const check = await verifyChain(read, tenant);
      checked += check.checked;
      firstBroken = check.firstBrokenId;
      if (firstBroken) break;
    }
    this.metrics.verified('chain', firstBroken === null);
    await this.record({ tenantId: principal.tenantId, action: 'audit_trail.verify', resourceType: 'audit_trail', details: { checked, valid: firstBroken === null, first_broken_id: firstBroken } });
    return { valid: firstBroken === null, checked, first_broken_id: firstBroken, tenants: tenants.length };
  }
}
