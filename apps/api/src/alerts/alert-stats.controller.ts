import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { AlertFilterDto, AlertStatsService, GroupStatsDto, GroupStatsQueryDto, ResponseTimesDto, TimeseriesDto, TimeseriesQueryDto } from '@app/alerts';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation, Principal } from '@app/common';

/** Statistics with the list's filters (seed 001's by severity and by source, and more). */
@ApiTags('alert statistics')
@Controller('v1/alerts/stats')
export class AlertStatsController {
  constructor(private readonly stats: AlertStatsService) {}

  @Get('severity')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(GroupStatsDto)
  @Operation({ id: 'getAlertStatsBySeverity', summary: 'Counts per severity (every severity, critical first)', problems: [400] })
  async severity(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('severity', query, principal));
  }

  @Get('status')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(GroupStatsDto)
  @Operation({ id: 'getAlertStatsByStatus', summary: 'Counts per status (every status)', problems: [400] })
  async status(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('status', query, principal));
  }

  @Get('source')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(GroupStatsDto)
  @Operation({ id: 'getAlertStatsBySource', summary: 'Counts per source, largest first (limit)', problems: [400] })
  async source(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('source', query, principal));
  }

  @Get('type')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(GroupStatsDto)
  @Operation({ id: 'getAlertStatsByType', summary: 'Counts per type, largest first (limit)', problems: [400] })
  async type(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('type', query, principal));
  }

  @Get('timeseries')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(TimeseriesDto)
  @Operation({ id: 'getAlertTimeseries', summary: 'Counts per hour, day or week in the time zone, empty buckets as zero', problems: [400] })
  async timeseries(@Query() query: TimeseriesQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<TimeseriesDto>> {
    return envelope(await this.stats.timeseries(query, principal));
  }

  @Get('response-times')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(ResponseTimesDto, 200, 'One entry per severity, critical first', true)
  @Operation({ id: 'getAlertResponseTimes', summary: 'Mean, p50 and p90 time to acknowledge and to resolve, per severity', problems: [400] })
  async responseTimes(@Query() query: AlertFilterDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ResponseTimesDto[]>> {
    return envelope(await this.stats.responseTimes(query, principal));
  }
}
