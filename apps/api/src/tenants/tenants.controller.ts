import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { ApiEnvelope, ApiListEnvelope, Conditional, Envelope, envelope, listEnvelope, ListEnvelope, Operation } from '@app/common';
import { Authenticated } from '@app/auth';
import { CreateTenantDto, ListTenantsQueryDto, TenantDto, TenantsService } from '@app/tenants';

import { TenantIdParams } from './tenant-params.dto';

@ApiTags('tenants')
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['admin'] })
  @ApiEnvelope(TenantDto, 201, 'The tenant was created')
  @Operation({ id: 'createTenant', summary: 'Create a tenant (admin)', problems: [400, 409, 413, 415] })
  async create(@Body() body: CreateTenantDto): Promise<Envelope<TenantDto>> {
    return envelope(TenantDto.from(await this.tenants.create(body)), 'tenant created');
  }

  @Get()
  @Authenticated({ scopes: [] })
  @ApiListEnvelope(TenantDto)
  @Operation({ id: 'listTenants', summary: 'List tenants (a tenant principal sees its own; admin sees all)', problems: [400] })
  async list(@Query() query: ListTenantsQueryDto): Promise<ListEnvelope<TenantDto>> {
    return listEnvelope(await this.tenants.list(query), TenantDto.from);
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: [] })
  @ApiEnvelope(TenantDto)
  @Operation({ id: 'getTenant', summary: 'Get a tenant', problems: [404] })
  async get(@Param() { id }: TenantIdParams): Promise<Envelope<TenantDto>> {
    return envelope(TenantDto.from(await this.tenants.get(id)));
  }
}
