import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { ApiEnvelope, ApiListEnvelope, envelope, Envelope, listEnvelope, ListEnvelope, Operation, Principal, sparseItems } from '@app/common';
import { AuditEventDto, AuditTrailService, AuditVerificationDto, ListAuditTrailQueryDto, VerifyAuditTrailQuery } from '@app/audit-trail';
import { Authenticated, CurrentPrincipal } from '@app/auth';

@ApiTags('audit-trail')
@Controller('v1/audit-trail')
export class AuditTrailController {
  constructor(private readonly auditTrail: AuditTrailService) {}

  @Get()
  @Authenticated({ scopes: ['audit:read'] })
  @ApiListEnvelope(AuditEventDto)
  @Operation({ id: 'listAuditTrail', summary: 'List audit events (this read is itself recorded)', problems: [400] })
  async list(@Query() query: ListAuditTrailQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<AuditEventDto>> {
    return sparseItems(listEnvelope(await this.auditTrail.list(query, principal), AuditEventDto.from), query.fields);
  }

  @Get('verify')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(AuditVerificationDto)
  @Operation({
    id: 'verifyAuditTrail',
    summary: 'Recompute a bounded segment of the hash chain (AUDIT_VERIFY_MAX_EVENTS events at most) and report the first broken event and where to continue',
    problems: [400],
  })
  async verify(@Query() query: VerifyAuditTrailQuery, @CurrentPrincipal() principal: Principal): Promise<Envelope<AuditVerificationDto>> {
    return envelope(await this.auditTrail.verify(principal, query));
  }
}
