import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import {
  ApiEnvelope,
  ApiListEnvelope,
  Conditional,
  Envelope,
  IF_MATCH_HEADER,
  listEnvelope,
  ListEnvelope,
  Operation,
  Principal,
  versionedEnvelope,
} from '@app/common';
import type { MaintenanceWindow } from '@app/database';
import {
  CreateMaintenanceWindowDto,
  ListMaintenanceWindowsQueryDto,
  MaintenanceWindowDto,
  MaintenanceWindowsService,
  UpdateMaintenanceWindowDto,
} from '@app/maintenance';

import { MaintenanceWindowIdParams } from './maintenance-window-params.dto';

function withEtag(reply: FastifyReply, window: MaintenanceWindow, message?: string): Envelope<MaintenanceWindowDto> {
  return versionedEnvelope(reply, window.version, MaintenanceWindowDto.from(window), message);
}

/** Maintenance windows (Alerta's blackouts): alerts created during one that match its selector are stored suppressed. */
@ApiTags('maintenance-windows')
@Controller('v1/maintenance-windows')
export class MaintenanceWindowsController {
  constructor(private readonly windows: MaintenanceWindowsService) {}

  @Get()
  @Authenticated({ scopes: ['maintenance:read'] })
  @ApiListEnvelope(MaintenanceWindowDto)
  @Operation({
    id: 'listMaintenanceWindows',
    summary: 'The tenant’s maintenance windows, newest first by default; `active_at` keeps those active then',
    problems: [400],
  })
  async list(@Query() query: ListMaintenanceWindowsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<MaintenanceWindowDto>> {
    return listEnvelope(await this.windows.list(query, principal), MaintenanceWindowDto.from);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ scopes: ['maintenance:write'] })
  @ApiEnvelope(MaintenanceWindowDto, 201, 'The window (ETag: its version)')
  @Operation({
    id: 'createMaintenanceWindow',
    summary: 'Create a maintenance window: alerts created while it is active that match its source, labels and system key are stored suppressed (audited)',
    problems: [400, 413, 415],
  })
  async create(
    @Body() body: CreateMaintenanceWindowDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<MaintenanceWindowDto>> {
    const window = await this.windows.create(body, principal);
    void reply.header('Location', `/v1/maintenance-windows/${window.id}`);
    return withEtag(reply, window, 'Created');
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['maintenance:read'] })
  @ApiEnvelope(MaintenanceWindowDto)
  @Operation({ id: 'getMaintenanceWindow', summary: 'Get a maintenance window (ETag: its version)', problems: [400, 404] })
  async get(@Param() params: MaintenanceWindowIdParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<Envelope<MaintenanceWindowDto>> {
    return withEtag(reply, await this.windows.get(params.id));
  }

  @Patch(':id')
  @Authenticated({ scopes: ['maintenance:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(MaintenanceWindowDto)
  @Operation({
    id: 'updateMaintenanceWindow',
    summary: 'Change a maintenance window (audited); alerts already created keep what they were marked with',
    problems: [400, 404, 412, 413, 415],
  })
  async update(
    @Param() params: MaintenanceWindowIdParams,
    @Body() body: UpdateMaintenanceWindowDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<MaintenanceWindowDto>> {
    return withEtag(reply, await this.windows.update(params.id, body, ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scopes: ['maintenance:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiNoContentResponse({ description: 'Deleted; the audit trail keeps what it was, and the alerts it suppressed keep its id' })
  @Operation({ id: 'deleteMaintenanceWindow', summary: 'Delete a maintenance window (audited)', problems: [400, 404, 412] })
  async delete(@Param() params: MaintenanceWindowIdParams, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.windows.delete(params.id, ifMatch);
  }
}
