import { IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';

import { AdminOnly, IsTenantId, ToInt } from '@app/common';

/**
 * Which part of the chain to verify. One call reads at most AUDIT_VERIFY_MAX_EVENTS events; a longer
 * chain is verified in segments, each call continuing where the last stopped (`next_from_seq`, and for
 * an admin's walk over every tenant `next_tenant_id`).
 */
export class VerifyAuditTrailQuery {
  /** Admin only: verify one tenant's chain instead of all of them (400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @MaxLength(30)
  @IsTenantId()
  tenant_id?: string;

  /** Admin only, without tenant_id: continue the walk over every tenant at this one (`next_tenant_id`; 400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @MaxLength(30)
  @IsTenantId('from_tenant_id')
  from_tenant_id?: string;

  /** Start at this seq of the (first) chain, linked to the hash of the event before it (`next_from_seq`). @example 1 */
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  from_seq?: number;
}
