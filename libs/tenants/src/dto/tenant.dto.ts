import { ApiProperty } from '@nestjs/swagger';

import type { Tenant } from '@app/database';

export class TenantDto {
  @ApiProperty({ example: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ example: 'Acme Security Operations', maxLength: 200 }) name: string;
  @ApiProperty({ example: 'acme-secops', maxLength: 64 }) slug: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(tenant: Tenant): TenantDto {
    return { id: tenant.id, name: tenant.name, slug: tenant.slug, created_at: tenant.createdAt.toISOString() };
  }
}
