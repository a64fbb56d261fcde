import { IsIn, IsOptional } from 'class-validator';

import { PageQueryDto } from '@app/common';

export const TENANT_SORT_FIELDS = ['created_at', 'name', 'slug', 'id'] as const;
export type TenantSortField = (typeof TENANT_SORT_FIELDS)[number];

export class ListTenantsQueryDto extends PageQueryDto {
  /** Field to sort by. */
  @IsOptional()
  @IsIn(TENANT_SORT_FIELDS)
  sort_by?: TenantSortField;
}
