import { Injectable } from '@nestjs/common';

import { AuditTrailService } from '@app/audit-trail';
import { Page, Paginator, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { InjectScopedPrisma, keysetOrder, keysetWhere, ScopedPrismaClient, Tenant } from '@app/database';

import { CreateTenantDto } from './dto/create-tenant.dto';
import { ListTenantsQueryDto, TenantSortField } from './dto/list-tenants-query.dto';
import { MeDto } from './dto/me.dto';

const SORT_COLUMNS: Record<TenantSortField, 'createdAt' | 'name' | 'slug' | 'id'> = {
  created_at: 'createdAt',
  name: 'name',
  slug: 'slug',
  id: 'id',
};

/** Tenants. Through the scoped client a principal sees its own tenant only; admin sees all. */
@Injectable()
export class TenantsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
    private readonly auditTrail: AuditTrailService,
  ) {}

  /** A taken slug surfaces as the unique violation the problem filter maps to 409. */
  create(input: CreateTenantDto): Promise<Tenant> {
    return this.db.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: publicId('tnt'), name: input.name, slug: input.slug } });
      await this.auditTrail.recordIn(tx, {
        tenantId: tenant.id,
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: tenant.id,
        details: { name: tenant.name, slug: tenant.slug },
      });
      return tenant;
    });
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.db.tenant.findUnique({ where: { id } });
    if (!tenant) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'tenant', id } });
    return tenant;
  }

  /** GET /v1/me: the principal and its tenant. */
  async me(principal: Principal): Promise<MeDto> {
    return MeDto.from(principal, await this.get(principal.tenantId));
  }

  list(query: ListTenantsQueryDto): Promise<Page<Tenant>> {
    const sortBy = query.sort_by ?? 'created_at';
    const column = SORT_COLUMNS[sortBy];
    return this.paginator.paginate<Tenant>(query, {
      sortBy,
      scope: { resource: 'tenants' },
      sortValue: (tenant) => tenant[column],
      id: (tenant) => tenant.id,
      count: () => this.db.tenant.count(),
      readOffset: (skip, take, direction) => this.db.tenant.findMany({ skip, take, orderBy: keysetOrder(column, direction) }),
      readKeyset: (after, take, direction) =>
        this.db.tenant.findMany({ where: keysetWhere(column, after, direction), take, orderBy: keysetOrder(column, direction) }),
    });
  }
}
