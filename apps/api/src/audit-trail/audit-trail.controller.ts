import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

import { AdminOnly, ApiEnvelope, ApiListEnvelope, envelope, Envelope, listEnvelope, ListEnvelope, Operation, Principal } from '@app/common';
import { AuditEventDto, AuditTrailService, AuditVerificationDto, ListAuditTrailQueryDto } from '@app/audit-trail';
import { Authenticated, CurrentPrincipal } from '@app/auth';

export class VerifyAuditTrailQuery {
  /** Admin only: verify one tenant's chain instead of all of them (400 from any other principal). */
  @IsOptional() @AdminOnly() @Matches(/^tnt_[0-9A-Z]{26}$/, { message: 'tenant_id must be a tenant id (tnt_…)' })
  tenant_id?: string;
}

@ApiTags('audit-trail')
@Controller('v1/audit-trail')
export class AuditTrailController {
  constructor(private readonly auditTrail: AuditTrailService) {}

  @Get()
  @Authenticated({ scopes: ['audit:read'] })
  @ApiListEnvelope(AuditEventDto)
  @Operation({ id: 'listAuditTrail', summary: 'List audit events (this read is itself recorded)', problems: [400] })
  async list(@Query() query: ListAuditTrailQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<AuditEventDto>> {
    return listEnvelope(await this.auditTrail.list(query, principal), AuditEventDto.from);
  }

  @Get('verify')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(AuditVerificationDto)
  @Operation({ id: 'verifyAuditTrail', summary: 'Recompute the hash chain and report the first broken event', problems: [400] })
  async verify(@Query() query: VerifyAuditTrailQuery, @CurrentPrincipal() principal: Principal): Promise<Envelope<AuditVerificationDto>> {
    return envelope(await this.auditTrail.verify(principal, query.tenant_id));
  }
}
