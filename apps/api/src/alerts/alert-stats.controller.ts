import { applyDecorators, Controller, Get, Query, Type } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import {
  AlertFilterDto,
  AlertStatsService,
  GroupStatsDto,
  GroupStatsQueryDto,
  ResponseTimesDto,
  RESPONSE_TIMES_GROUPS,
  TimeseriesDto,
  TimeseriesQueryDto,
} from '@app/alerts';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation, Principal } from '@app/common';

/** GET /v1/alerts/stats/{path} under alerts:read, documented with its envelope and 400. */
/** A statistics route; `maxItems` makes its data an array of at most that many. */
function StatsRoute(path: string, id: string, summary: string, model: Type<unknown> = GroupStatsDto, maxItems?: number): MethodDecorator {
  return applyDecorators(
    Get(path),
    Authenticated({ scopes: ['alerts:read'] }),
    ApiEnvelope(model, 200, 'OK', maxItems !== undefined, maxItems),
    Operation({ id, summary, problems: [400] }),
  );
}

/** Statistics with the list's filters (seed 001's by severity and by source, and more). */
@ApiTags('alert statistics')
@Controller('v1/alerts/stats')
export class AlertStatsController {
  constructor(private readonly stats: AlertStatsService) {}

  @StatsRoute('severity', 'getAlertStatsBySeverity', 'Counts per severity (every severity, critical first)')
  async severity(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('severity', query, principal));
  }

  @StatsRoute('status', 'getAlertStatsByStatus', 'Counts per status (every status)')
  async status(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('status', query, principal));
  }

  @StatsRoute('source', 'getAlertStatsBySource', 'Counts per source, largest first (limit)')
  async source(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('source', query, principal));
  }

  @StatsRoute('type', 'getAlertStatsByType', 'Counts per type, largest first (limit)')
  async type(@Query() query: GroupStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<GroupStatsDto>> {
    return envelope(await this.stats.groups('type', query, principal));
  }

  @StatsRoute(
    'timeseries',
    'getAlertTimeseries',
    'Counts per hour, day or week in the time zone, empty buckets as zero; optionally split by severity, status or source (group_by)',
    TimeseriesDto,
  )
  async timeseries(@Query() query: TimeseriesQueryDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<TimeseriesDto>> {
    return envelope(await this.stats.timeseries(query, principal));
  }

  @StatsRoute(
    'response-times',
    'getAlertResponseTimes',
    'Mean, p50 and p90 time to acknowledge and to resolve, per severity and overall (severity `all`: MTTA and MTTR)',
    ResponseTimesDto,
    RESPONSE_TIMES_GROUPS.length,
  )
  async responseTimes(@Query() query: AlertFilterDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<ResponseTimesDto[]>> {
    return envelope(await this.stats.responseTimes(query, principal));
  }
}
