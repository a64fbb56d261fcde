import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Envelope, IF_MATCH_HEADER, listEnvelope, ListEnvelope, Operation, Principal, versionedEnvelope } from '@app/common';
import {
  CaseObservableDto,
  CaseObservablesService,
  CreateCaseObservableDto,
  ListCaseObservablesQueryDto,
  ObservableWithAlerts,
  SearchObservablesQueryDto,
  UpdateCaseObservableDto,
} from '@app/threat-cases';

import { CaseObservableParams } from './case-work-params.dto';
import { ThreatCaseIdParams } from './threat-case-params.dto';

function withEtag(reply: FastifyReply, observable: ObservableWithAlerts, message?: string): Envelope<CaseObservableDto> {
  return versionedEnvelope(reply, observable.version, CaseObservableDto.from(observable), message);
}

/** A threat case's observables: each change is in the case timeline and the audit trail. */
@ApiTags('threat-cases')
@Controller('v1/threat-cases/:id/observables')
export class CaseObservablesController {
  constructor(private readonly observables: CaseObservablesService) {}

  @Get()
  @Authenticated({ scopes: ['cases:read'] })
  @ApiListEnvelope(CaseObservableDto)
  @Operation({ id: 'listThreatCaseObservables', summary: 'List the observables of a threat case, with type, value and tag filters', problems: [400, 404] })
  async list(
    @Param() params: ThreatCaseIdParams,
    @Query() query: ListCaseObservablesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListEnvelope<CaseObservableDto>> {
    return listEnvelope(await this.observables.list(params.id, query, principal), CaseObservableDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(CaseObservableDto, 201, 'The observable, added (ETag: its version)')
  @ApiEnvelope(CaseObservableDto, 200, 'The case held the same type and value already: that observable, seen again (last_seen, tags and alerts updated)')
  @Operation({
    id: 'addThreatCaseObservable',
    summary: 'Add an observable to a threat case, or see one it holds again (at most 1,000 a case: 409)',
    problems: [400, 404, 409, 413, 415, 422],
  })
  async add(
    @Param() params: ThreatCaseIdParams,
    @Body() body: CreateCaseObservableDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<CaseObservableDto>> {
    const { observable, created } = await this.observables.add(params.id, body, principal);
    void reply.header('Location', `/v1/threat-cases/${params.id}/observables/${observable.id}`);
    if (!created) void reply.status(200);
    return withEtag(reply, observable, created ? 'Created' : 'OK');
  }

  @Get(':observable_id')
  @Authenticated({ scopes: ['cases:read'] })
  @ApiEnvelope(CaseObservableDto)
  @Operation({ id: 'getThreatCaseObservable', summary: 'Get an observable of a threat case (ETag: its version)', problems: [400, 404] })
  async get(@Param() params: CaseObservableParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<Envelope<CaseObservableDto>> {
    return withEtag(reply, await this.observables.get(params.id, params.observable_id));
  }

  @Patch(':observable_id')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(CaseObservableDto)
  @Operation({
    id: 'updateThreatCaseObservable',
    summary: 'Change an observable: description, tags and linked alerts (as wholes), last_seen; type and value stay',
    problems: [400, 404, 409, 412, 413, 415, 422],
  })
  async update(
    @Param() params: CaseObservableParams,
    @Body() body: UpdateCaseObservableDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<CaseObservableDto>> {
    return withEtag(reply, await this.observables.update(params.id, params.observable_id, body, ifMatch, principal));
  }

  @Delete(':observable_id')
  @HttpCode(204)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiNoContentResponse({ description: 'Deleted; the case timeline and the audit trail keep what it was' })
  @Operation({ id: 'deleteThreatCaseObservable', summary: 'Delete an observable of a threat case', problems: [400, 404, 412] })
  async delete(
    @Param() params: CaseObservableParams,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.observables.delete(params.id, params.observable_id, ifMatch, principal);
  }
}

/** Observables across the tenant's threat cases: which cases saw an indicator. */
@ApiTags('threat-cases')
@Controller('v1/observables')
export class ObservablesController {
  constructor(private readonly observables: CaseObservablesService) {}

  @Get()
  @Authenticated({ scopes: ['cases:read'] })
  @ApiListEnvelope(CaseObservableDto)
  @Operation({
    id: 'searchObservables',
    summary: 'Find observables across the threat cases of the tenant by type, value or tag (each names its case_id; deleted cases left out)',
    problems: [400],
  })
  async search(@Query() query: SearchObservablesQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<CaseObservableDto>> {
    return listEnvelope(await this.observables.search(query, principal), CaseObservableDto.from);
  }
}
