import { Injectable } from '@nestjs/common';

import { CursorValue, SortDirection } from '@app/common';
import { InjectScopedPrisma, keysetOrder, keysetWhere, Prisma, ScopedPrismaClient, ThreatCaseStatus } from '@app/database';

import { CASE_TIMELINE_MAX_ENTRIES, MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS, ThreatCaseSortField } from './dto/threat-case-enums';

/**
 * What a case is answered with: its alerts, timeline and verifications (oldest first) and siren. The
 * takes are the bounds the OpenAPI document states; writes keep alerts and verifications within theirs.
 */
export const CASE_INCLUDE = {
  alerts: { select: { alertId: true }, orderBy: [{ linkedAt: 'asc' }, { alertId: 'asc' }], take: MAX_CASE_ALERTS },
  timeline: { orderBy: [{ at: 'asc' }, { id: 'asc' }], take: CASE_TIMELINE_MAX_ENTRIES },
  verifications: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: MAX_CASE_VERIFICATIONS },
  sirenSettings: true,
} satisfies Prisma.ThreatCaseInclude;

export type ThreatCaseDetail = Prisma.ThreatCaseGetPayload<{ include: typeof CASE_INCLUDE }>;

/** The cases a read selects, whichever endpoint it came from (the list's query or seed 003's body). */
export interface CaseCriteria {
  /** null: every tenant (admin without a tenant filter). */
  tenantId: string | null;
  createdFrom?: Date;
  createdTo?: Date;
  deviceIds?: string[];
  locationIds?: string[];
  statuses?: ThreatCaseStatus[];
  /** Any of these controls. */
  controls?: string[];
  includeDeleted: boolean;
}

export interface CasePageRequest {
  criteria: CaseCriteria;
  sortBy: ThreatCaseSortField;
  direction: SortDirection;
  take: number;
}

const SORT_FIELDS: Record<ThreatCaseSortField, 'createdAt' | 'updatedAt'> = { created_at: 'createdAt', updated_at: 'updatedAt' };

export function caseWhere(criteria: CaseCriteria): Prisma.ThreatCaseWhereInput {
  const conditions: Prisma.ThreatCaseWhereInput[] = [];
  if (criteria.tenantId) conditions.push({ tenantId: criteria.tenantId });
  if (!criteria.includeDeleted) conditions.push({ deleted: false });
  if (criteria.createdFrom || criteria.createdTo) conditions.push({ createdAt: { gte: criteria.createdFrom, lt: criteria.createdTo } });
  if (criteria.deviceIds?.length) conditions.push({ OR: [{ deviceId: { in: criteria.deviceIds } }, { associatedDeviceIds: { hasSome: criteria.deviceIds } }] });
  if (criteria.locationIds?.length) conditions.push({ locationId: { in: criteria.locationIds } });
  if (criteria.statuses?.length) conditions.push({ status: { in: criteria.statuses } });
  if (criteria.controls?.length) conditions.push({ controls: { hasSome: criteria.controls } });
  return { AND: conditions };
}

/**
 * Threat case reads through the tenant-scoped client (the tenancy extension adds the principal's
 * tenant; `criteria.tenantId` narrows an admin). Keyset pages on (sort field, id).
 */
@Injectable()
export class ThreatCasesRepository {
  constructor(@InjectScopedPrisma() private readonly db: ScopedPrismaClient) {}

  sortValue(sortBy: ThreatCaseSortField, row: ThreatCaseDetail): Date {
    return row[SORT_FIELDS[sortBy]];
  }

  count(criteria: CaseCriteria): Promise<number> {
    return this.db.threatCase.count({ where: caseWhere(criteria) });
  }

  readOffset(request: CasePageRequest, skip: number): Promise<ThreatCaseDetail[]> {
    return this.read(request, null, skip);
  }

  readKeyset(request: CasePageRequest, after: [CursorValue, string] | null): Promise<ThreatCaseDetail[]> {
    return this.read(request, after, 0);
  }

  private read(request: CasePageRequest, after: [CursorValue, string] | null, skip: number): Promise<ThreatCaseDetail[]> {
    const field = SORT_FIELDS[request.sortBy];
    return this.db.threatCase.findMany({
      where: { AND: [caseWhere(request.criteria), keysetWhere(field, after, request.direction) as Prisma.ThreatCaseWhereInput] },
      orderBy: keysetOrder(field, request.direction) as Prisma.ThreatCaseOrderByWithRelationInput[],
      skip,
      take: request.take,
      include: CASE_INCLUDE,
    });
  }

  /** One case the principal's scope may see; deleted ones only when asked for. */
  find(id: string, tenantId: string | null, includeDeleted: boolean): Promise<ThreatCaseDetail | null> {
    return this.db.threatCase.findFirst({ where: { AND: [{ id }, caseWhere({ tenantId, includeDeleted })] }, include: CASE_INCLUDE });
  }
}
