import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Envelope, IF_MATCH_HEADER, listEnvelope, ListEnvelope, Operation, Principal, versionedEnvelope } from '@app/common';
import type { ThreatCaseTask } from '@app/database';
import { CaseTaskDto, CaseTasksService, CreateCaseTaskDto, ListCaseTasksQueryDto, UpdateCaseTaskDto } from '@app/threat-cases';

import { CaseTaskParams } from './case-work-params.dto';
import { ThreatCaseIdParams } from './threat-case-params.dto';

function withEtag(reply: FastifyReply, task: ThreatCaseTask, message?: string): Envelope<CaseTaskDto> {
  return versionedEnvelope(reply, task.version, CaseTaskDto.from(task), message);
}

/** A threat case's tasks (TheHive): each change is in the case timeline and the audit trail. */
@ApiTags('threat-cases')
@Controller('v1/threat-cases/:id/tasks')
export class CaseTasksController {
  constructor(private readonly tasks: CaseTasksService) {}

  @Get()
  @Authenticated({ scopes: ['cases:read'] })
  @ApiListEnvelope(CaseTaskDto)
  @Operation({ id: 'listThreatCaseTasks', summary: 'List the tasks of a threat case, with status and assignee filters', problems: [400, 404] })
  async list(
    @Param() params: ThreatCaseIdParams,
    @Query() query: ListCaseTasksQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListEnvelope<CaseTaskDto>> {
    return listEnvelope(await this.tasks.list(params.id, query, principal), CaseTaskDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiEnvelope(CaseTaskDto, 201, 'The task (ETag: its version)')
  @Operation({ id: 'createThreatCaseTask', summary: 'Add a task to a threat case (at most 1,000 a case: 409)', problems: [400, 404, 409, 413, 415] })
  async create(
    @Param() params: ThreatCaseIdParams,
    @Body() body: CreateCaseTaskDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<CaseTaskDto>> {
    const task = await this.tasks.create(params.id, body, principal);
    void reply.header('Location', `/v1/threat-cases/${params.id}/tasks/${task.id}`);
    return withEtag(reply, task, 'Created');
  }

  @Get(':task_id')
  @Authenticated({ scopes: ['cases:read'] })
  @ApiEnvelope(CaseTaskDto)
  @Operation({ id: 'getThreatCaseTask', summary: 'Get a task of a threat case (ETag: its version)', problems: [400, 404] })
  async get(@Param() params: CaseTaskParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<Envelope<CaseTaskDto>> {
    return withEtag(reply, await this.tasks.get(params.id, params.task_id));
  }

  @Patch(':task_id')
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(CaseTaskDto)
  @Operation({
    id: 'updateThreatCaseTask',
    summary: 'Change a task: title, description, status (completed sets done_at, reopening clears it), assignee',
    problems: [400, 404, 412, 413, 415],
  })
  async update(
    @Param() params: CaseTaskParams,
    @Body() body: UpdateCaseTaskDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<CaseTaskDto>> {
    return withEtag(reply, await this.tasks.update(params.id, params.task_id, body, ifMatch, principal));
  }

  @Delete(':task_id')
  @HttpCode(204)
  @Authenticated({ scopes: ['cases:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiNoContentResponse({ description: 'Deleted; the case timeline and the audit trail keep what it was' })
  @Operation({ id: 'deleteThreatCaseTask', summary: 'Delete a task of a threat case', problems: [400, 404, 412] })
  async delete(@Param() params: CaseTaskParams, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.tasks.delete(params.id, params.task_id, ifMatch, principal);
  }
}
