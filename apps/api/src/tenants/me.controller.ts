import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation, Principal } from '@app/common';
import { MeDto, TenantsService } from '@app/tenants';

/** Who the request is made as: any valid credential may ask, no scope needed. */
@ApiTags('tenants')
@Controller('v1/me')
export class MeController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Authenticated({ scopes: [] })
  @ApiEnvelope(MeDto)
  @Operation({ id: 'getMe', summary: 'The principal of the request: tenant, scopes and what its credential says (API key name, token issuer, expiry)' })
  async me(@CurrentPrincipal() principal: Principal): Promise<Envelope<MeDto>> {
    return envelope(await this.tenants.me(principal));
  }
}
