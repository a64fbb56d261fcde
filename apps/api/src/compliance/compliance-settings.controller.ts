import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation, Principal } from '@app/common';
import { ComplianceSettingsDto, ComplianceSettingsService, UpdateComplianceSettingsDto } from '@app/compliance';

@ApiTags('compliance')
@Controller('v1/compliance/settings')
export class ComplianceSettingsController {
  constructor(private readonly settings: ComplianceSettingsService) {}

  @Get()
  @Authenticated({ scopes: ['compliance:read'] })
  @ApiEnvelope(ComplianceSettingsDto)
  @Operation({ id: 'getComplianceSettings', summary: 'The tenant’s compliance settings: retention, required notes, four eyes (defaults until changed)' })
  async get(@CurrentPrincipal() principal: Principal): Promise<Envelope<ComplianceSettingsDto>> {
    return envelope(await this.settings.get(principal));
  }

  @Patch()
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiEnvelope(ComplianceSettingsDto)
  @Operation({ id: 'updateComplianceSettings', summary: 'Change the tenant’s compliance settings (audited)', problems: [400, 413, 415] })
  async update(@Body() body: UpdateComplianceSettingsDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ComplianceSettingsDto>> {
    return envelope(await this.settings.update(body, principal));
  }
}
