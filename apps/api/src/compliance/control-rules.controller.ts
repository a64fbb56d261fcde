import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { AlertControlsService, ApplyControlRulesDto, ControlRulesAppliedDto } from '@app/alerts';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Conditional, Envelope, envelope, listEnvelope, ListEnvelope, Operation, Principal } from '@app/common';
import { ControlRuleDto, ControlRulesService, CreateControlRuleDto, ListControlRulesQueryDto, UpdateControlRuleDto } from '@app/compliance';

import { ControlRuleIdParams } from './compliance-params.dto';

@ApiTags('compliance')
@Controller('v1/compliance/control-rules')
export class ControlRulesController {
  constructor(
    private readonly rules: ControlRulesService,
    private readonly controls: AlertControlsService,
  ) {}

  @Get()
  @Authenticated({ scopes: ['compliance:read'] })
  @ApiListEnvelope(ControlRuleDto)
  @Operation({
    id: 'listControlRules',
    summary: 'The tenant’s control rules (type, source and labels → control ids), oldest first by default',
    problems: [400],
  })
  async list(@Query() query: ListControlRulesQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<ControlRuleDto>> {
    return listEnvelope(await this.rules.list(query, principal), ControlRuleDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiEnvelope(ControlRuleDto, 201, 'The rule; new alerts matching it get its controls')
  @Operation({
    id: 'createControlRule',
    summary: 'Add a control rule (applies to alerts created from now on; re-apply for existing ones)',
    problems: [400, 413, 415],
  })
  async create(
    @Body() body: CreateControlRuleDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ControlRuleDto>> {
    const rule = await this.rules.create(body, principal);
    void reply.header('Location', `/v1/compliance/control-rules/${rule.id}`);
    return envelope(ControlRuleDto.from(rule), 'Created');
  }

  @Post('apply')
  @HttpCode(200)
  @Authenticated({ scopes: ['compliance:write', 'alerts:write'] })
  @ApiEnvelope(ControlRulesAppliedDto)
  @Operation({
    id: 'applyControlRules',
    summary: 'Re-apply the control rules to existing alerts (a filter, or all): controls are added, never removed',
    problems: [400, 413, 415],
  })
  async apply(@Body() body: ApplyControlRulesDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ControlRulesAppliedDto>> {
    return envelope(await this.controls.reapply(body.filter ?? {}, principal));
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['compliance:read'] })
  @ApiEnvelope(ControlRuleDto)
  @Operation({ id: 'getControlRule', summary: 'Get a control rule', problems: [400, 404] })
  async get(@Param() params: ControlRuleIdParams): Promise<Envelope<ControlRuleDto>> {
    return envelope(ControlRuleDto.from(await this.rules.get(params.id)));
  }

  @Patch(':id')
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiEnvelope(ControlRuleDto)
  @Operation({ id: 'updateControlRule', summary: 'Change a control rule (audited)', problems: [400, 404, 413, 415] })
  async update(@Param() params: ControlRuleIdParams, @Body() body: UpdateControlRuleDto): Promise<Envelope<ControlRuleDto>> {
    return envelope(ControlRuleDto.from(await this.rules.update(params.id, body)));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['compliance:write'] })
  @ApiNoContentResponse({ description: 'Deleted; the controls it gave alerts stay on them' })
  @Operation({ id: 'deleteControlRule', summary: 'Delete a control rule (audited)', problems: [400, 404] })
  async delete(@Param() params: ControlRuleIdParams): Promise<void> {
    await this.rules.delete(params.id);
  }
}
