import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import {
  ApiEnvelope,
  ApiListEnvelope,
  Conditional,
  envelope,
  Envelope,
  IF_MATCH_HEADER,
  listEnvelope,
  sparseItems,
  ListEnvelope,
  Operation,
  PatchTagsDto,
  Principal,
  SetTagsDto,
  versionedEnvelope,
} from '@app/common';
import {
  CloseApprovalDto,
  CreateThreatCaseDto,
  CreateVerificationDto,
  ListThreatCasesQueryDto,
  ThreatCaseAlertIdsDto,
  ThreatCaseChangesService,
  ThreatCaseDto,
  ThreatCaseNoteDto,
  ThreatCaseQueryDto,
  ThreatCaseQueryResultDto,
  ThreatCaseQueryService,
  ThreatCaseDetail,
  ThreatCaseReadQueryDto,
  ThreatCasesService,
  TransitionThreatCaseDto,
  UpdateThreatCaseDto,
} from '@app/threat-cases';

import { ThreatCaseIdParams } from './threat-case-params.dto';

/** The case, with its version as the ETag (what If-Match names). */
function withEtag(reply: FastifyReply, detail: ThreatCaseDetail): Envelope<ThreatCaseDto> {
  return versionedEnvelope(reply, detail.version, ThreatCaseDto.from(detail));
}

@ApiTags('threat-cases')
@Controller('v1/threat-cases')
export class ThreatCasesController {
  constructor(
    private readonly cases: ThreatCasesService,
    private readonly changes: ThreatCaseChangesService,
    private readonly queries: ThreatCaseQueryService,
  ) {}

  @Get()
  @Authenticated({ scopes: ['cases:read'] })
  @ApiListEnvelope(ThreatCaseDto)
  @Operation({ id: 'listThreatCases', summary: 'List threat cases with filters and offset or cursor paging', problems: [400] })
  async list(@Query() query: ListThreatCasesQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<ThreatCaseDto>> {
    return sparseItems(listEnvelope(await this.cases.list(query, principal), ThreatCaseDto.from), query.fields);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto, 201, 'The case, INITIATED, with its alerts and timeline')
  @Operation({ id: 'createThreatCase', summary: 'Open a threat case from alerts of the tenant', problems: [400, 413, 415, 422] })
  async create(
    @Body() body: CreateThreatCaseDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    const created = await this.cases.create(body, principal);
    void reply.header('Location', `/v1/threat-cases/${created.id}`);
    return envelope(ThreatCaseDto.from(created), 'Created');
  }

  @Post('query')
  @HttpCode(200)
  @Authenticated({ scopes: ['cases:read'] })
  @ApiEnvelope(ThreatCaseQueryResultDto)
  @Operation({
    id: 'queryThreatCases',
    summary: 'Seed 003 (Rhombus getAlertMonitoringThreatCases): query cases with its body, paged by lastEvaluatedKey',
    problems: [400, 413, 415],
  })
  async query(@Body() body: ThreatCaseQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ThreatCaseQueryResultDto>> {
    return envelope(ThreatCaseQueryResultDto.from(await this.queries.query(body, principal)));
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['cases:read'] })
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'getThreatCase', summary: 'Get a threat case with its timeline and verification history (ETag: its version)', problems: [400, 404] })
  async get(
    @Param() params: ThreatCaseIdParams,
    @Query() query: ThreatCaseReadQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    return withEtag(reply, await this.cases.get(params.id, principal, query.include_deleted));
  }

  @Patch(':id')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'updateThreatCase', summary: 'Set the assignee (null unassigns) and the severity of a threat case', problems: [400, 404, 412, 415] })
  async update(
    @Param() params: ThreatCaseIdParams,
    @Body() body: UpdateThreatCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    return withEtag(reply, await this.changes.update(params.id, body, ifMatch, principal));
  }

  @Put(':id/tags')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'setThreatCaseTags', summary: 'Replace the tags of a threat case ([] clears them)', problems: [400, 404, 412, 415] })
  async setTags(
    @Param() params: ThreatCaseIdParams,
    @Body() body: SetTagsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    return withEtag(reply, await this.changes.setTags(params.id, body, ifMatch, principal));
  }

  @Patch(':id/tags')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'patchThreatCaseTags', summary: 'Add and remove tags of a threat case (at most 50 after the change: 400)', problems: [400, 404, 412, 415] })
  async patchTags(
    @Param() params: ThreatCaseIdParams,
    @Body() body: PatchTagsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    return withEtag(reply, await this.changes.patchTags(params.id, body, ifMatch, principal));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto)
  @ApiEnvelope(ThreatCaseDto, 202, 'Four eyes: CLOSED was asked for and now awaits a second person (close_request); POST …/approvals decides')
  @Operation({
    id: 'transitionThreatCase',
    summary: 'Move a threat case to another status (409 when the state machine forbids it)',
    problems: [400, 404, 409, 415],
  })
  async transition(
    @Param() params: ThreatCaseIdParams,
    @Body() body: TransitionThreatCaseDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ThreatCaseDto>> {
    const { detail, approvalPending } = await this.changes.transition(params.id, body, principal);
    if (approvalPending) void reply.status(202);
    return envelope(ThreatCaseDto.from(detail), approvalPending ? 'Close requested; awaiting approval' : 'OK');
  }

  @Post(':id/approvals')
  @HttpCode(200)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto, 200, 'The case after the decision: CLOSED when approved')
  @Operation({
    id: 'decideThreatCaseClose',
    summary: 'Approve or reject the pending close request of a threat case (four eyes; the requester cannot approve: 403)',
    problems: [400, 403, 404, 409, 415],
  })
  async approve(
    @Param() params: ThreatCaseIdParams,
    @Body() body: CloseApprovalDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<ThreatCaseDto>> {
    return envelope(ThreatCaseDto.from(await this.changes.decideClose(params.id, body, principal)));
  }

  @Post(':id/timeline')
  @HttpCode(201)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto, 201, 'The case with the note at the end of its timeline')
  @Operation({ id: 'addThreatCaseNote', summary: 'Add a note to a threat case timeline', problems: [400, 404, 415] })
  async note(@Param() params: ThreatCaseIdParams, @Body() body: ThreatCaseNoteDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ThreatCaseDto>> {
    return envelope(ThreatCaseDto.from(await this.changes.note(params.id, body, principal)), 'Created');
  }

  @Post(':id/verifications')
  @HttpCode(201)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto, 201, 'The case with the record as its current verification')
  @Operation({ id: 'addThreatCaseVerification', summary: 'Record a verification attempt of a threat case', problems: [400, 404, 415, 422] })
  async verify(
    @Param() params: ThreatCaseIdParams,
    @Body() body: CreateVerificationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<ThreatCaseDto>> {
    return envelope(ThreatCaseDto.from(await this.changes.verify(params.id, body, principal)), 'Created');
  }

  @Post(':id/alerts')
  @HttpCode(200)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'linkThreatCaseAlerts', summary: 'Link alerts of the tenant to a threat case', problems: [400, 404, 415, 422] })
  async link(
    @Param() params: ThreatCaseIdParams,
    @Body() body: ThreatCaseAlertIdsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<ThreatCaseDto>> {
    return envelope(ThreatCaseDto.from(await this.changes.link(params.id, body.alert_ids, principal)));
  }

  @Delete(':id/alerts')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(ThreatCaseDto)
  @Operation({ id: 'unlinkThreatCaseAlerts', summary: 'Unlink alerts from a threat case', problems: [400, 404, 415, 422] })
  async unlink(
    @Param() params: ThreatCaseIdParams,
    @Body() body: ThreatCaseAlertIdsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<ThreatCaseDto>> {
    return envelope(ThreatCaseDto.from(await this.changes.unlink(params.id, body.alert_ids, principal)));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiNoContentResponse({ description: 'Deleted (soft: hidden from lists and reads, kept for admin and the audit trail)' })
  @Operation({ id: 'deleteThreatCase', summary: 'Delete a threat case (soft)', problems: [400, 404] })
  async delete(@Param() params: ThreatCaseIdParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.changes.delete(params.id, principal);
  }
}
