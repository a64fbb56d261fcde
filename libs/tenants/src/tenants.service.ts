import { Injectable } from '@nestjs/common';

import { Page, Paginator, ProblemException, ProblemTypes, publicId } from '@app/common';
import { keysetOrder, keysetWhere, PrismaService, Tenant } from '@app/database';

import { CreateTenantDto } from './dto/create-tenant.dto';
import { ListTenantsQueryDto, TenantSortField } from './dto/list-tenants-query.dto';

const SORT_COLUMNS: Record<TenantSortField, 'createdAt' | 'name' | 'slug' | 'id'> = {
  created_at: 'createdAt',
  name: 'name',
  slug: 'slug',
  id: 'id',
};

@Injectable()
export class TenantsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly paginator: Paginator,
  ) {}

  /** A taken slug surfaces as the unique violation the problem filter maps to 409. */
  create(input: CreateTenantDto): Promise<Tenant> {
    return this.prisma.tenant.create({ data: { id: publicId('tnt'), name: input.name, slug: input.slug } });
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.prisma.tenant.findUnique({ where: { id } });
    if (!tenant) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'tenant', id } });
    return tenant;
  }

  list(query: ListTenantsQueryDto): Promise<Page<Tenant>> {
    const sortBy = query.sort_by ?? 'created_at';
    const column = SORT_COLUMNS[sortBy];
    return this.paginator.paginate(query, {
      sortBy,
      scope: { resource: 'tenants' },
      sortValue: (tenant) => tenant[column],
      id: (tenant) => tenant.id,
      count: () => this.prisma.tenant.count(),
      readOffset: (skip, take, direction) => this.prisma.tenant.findMany({ skip, take, orderBy: keysetOrder(column, direction) }),
      readKeyset: (after, take, direction) =>
        this.prisma.tenant.findMany({ where: keysetWhere(column, after, direction), take, orderBy: keysetOrder(column, direction) }),
    });
  }
}
