import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Conditional, Envelope, envelope, listEnvelope, ListEnvelope, Operation, Principal } from '@app/common';
import { CreateLegalHoldDto, LegalHoldDto, LegalHoldsService, ListLegalHoldsQueryDto, ReleaseLegalHoldDto } from '@app/compliance';

import { LegalHoldIdParams } from './compliance-params.dto';

@ApiTags('compliance')
@Controller('v1/compliance/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldsService) {}

  @Get()
  @Authenticated({ scopes: ['compliance:read'] })
  @ApiListEnvelope(LegalHoldDto)
  @Operation({ id: 'listLegalHolds', summary: 'Legal holds of the tenant, active and released', problems: [400] })
  async list(@Query() query: ListLegalHoldsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<LegalHoldDto>> {
    return listEnvelope(await this.holds.list(query, principal), LegalHoldDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiEnvelope(LegalHoldDto, 201, 'The hold, active at once: the retention purge keeps what it covers')
  @Operation({ id: 'placeLegalHold', summary: 'Place a legal hold on the tenant or on one threat case (audited)', problems: [400, 413, 415, 422] })
  async place(
    @Body() body: CreateLegalHoldDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<LegalHoldDto>> {
    const hold = await this.holds.place(body, principal);
    void reply.header('Location', `/v1/compliance/legal-holds/${hold.id}`);
    return envelope(LegalHoldDto.from(hold), 'Created');
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['compliance:read'] })
  @ApiEnvelope(LegalHoldDto)
  @Operation({ id: 'getLegalHold', summary: 'Get a legal hold', problems: [400, 404] })
  async get(@Param() params: LegalHoldIdParams): Promise<Envelope<LegalHoldDto>> {
    return envelope(LegalHoldDto.from(await this.holds.get(params.id)));
  }

  @Post(':id/release')
  @HttpCode(200)
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiEnvelope(LegalHoldDto)
  @Operation({ id: 'releaseLegalHold', summary: 'Release a legal hold with a note (audited; the hold stays on record)', problems: [400, 404, 409, 413, 415] })
  async release(
    @Param() params: LegalHoldIdParams,
    @Body() body: ReleaseLegalHoldDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<LegalHoldDto>> {
    return envelope(LegalHoldDto.from(await this.holds.release(params.id, body, principal)));
  }
}
