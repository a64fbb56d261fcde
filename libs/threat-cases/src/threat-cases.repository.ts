import { Injectable } from '@nestjs/common';

import { CursorValue, SortDirection } from '@app/common';
import { andWhere, InjectScopedPrisma, Prisma, ScopedPrismaClient, sqlKeyset, TenantScope, tenantWhere } from '@app/database';

import { CASE_TIMELINE_MAX_ENTRIES, MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS, ThreatCaseSortField } from './dto/threat-case-enums';
import { CaseCriteria, caseWhere } from './threat-case-where';

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

export interface CasePageRequest {
  criteria: CaseCriteria;
  sortBy: ThreatCaseSortField;
  direction: SortDirection;
  take: number;
}

const SORT_FIELDS: Record<ThreatCaseSortField, 'createdAt' | 'updatedAt' | 'severity'> = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  severity: 'severity',
};
/** Each sort's column and the type a cursor's value is cast back to; severity by rank, served by (tenant_id, severity, id). */
const SORT_COLUMNS: Record<ThreatCaseSortField, { column: Prisma.Sql; type: string }> = {
  created_at: { column: Prisma.sql`c.created_at`, type: 'timestamptz' },
  updated_at: { column: Prisma.sql`c.updated_at`, type: 'timestamptz' },
  severity: { column: Prisma.sql`c.severity`, type: 'alert_severity' },
};

/**
 * Threat case reads: the page's ids in SQL (caseWhere, the filters' one definition, which exports use
 * too; keyset pages on (sort field, id) as a row comparison), then those cases with their relations
 * through the tenant-scoped client (the tenancy extension adds the principal's tenant once more).
 */
@Injectable()
export class ThreatCasesRepository {
  constructor(@InjectScopedPrisma() private readonly db: ScopedPrismaClient) {}

  sortValue(sortBy: ThreatCaseSortField, row: ThreatCaseDetail): Date | string {
    return row[SORT_FIELDS[sortBy]];
  }

  async count(criteria: CaseCriteria): Promise<number> {
    const [row] = await this.db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM threat_cases c ${caseWhere(criteria)}`);
    return row.n;
  }

  readOffset(request: CasePageRequest, skip: number): Promise<ThreatCaseDetail[]> {
    return this.read(request, null, skip);
  }

  readKeyset(request: CasePageRequest, after: [CursorValue, string] | null): Promise<ThreatCaseDetail[]> {
    return this.read(request, after, 0);
  }

  private async read(request: CasePageRequest, after: [CursorValue, string] | null, skip: number): Promise<ThreatCaseDetail[]> {
    const { column, type } = SORT_COLUMNS[request.sortBy];
    const keyset = sqlKeyset(column, type, Prisma.sql`c.id`, after, request.direction);
    const where = andWhere(caseWhere(request.criteria), keyset.after);
    const page = await this.db.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT c.id FROM threat_cases c ${where} ${keyset.orderBy} LIMIT ${request.take} OFFSET ${skip}`,
    );
    if (page.length === 0) return [];
    const rows = await this.db.threatCase.findMany({ where: { id: { in: page.map((row) => row.id) } }, include: CASE_INCLUDE });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return page.map((row) => byId.get(row.id)).filter((row): row is ThreatCaseDetail => row !== undefined);
  }

  /** One case the principal's scope may see; deleted ones only when asked for. */
  find(id: string, scope: TenantScope, includeDeleted: boolean): Promise<ThreatCaseDetail | null> {
    return this.db.threatCase.findFirst({ where: { id, ...tenantWhere(scope), ...(includeDeleted ? {} : { deleted: false }) }, include: CASE_INCLUDE });
  }
}
