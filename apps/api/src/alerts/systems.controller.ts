import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { AlertListItemDto, AlertsService, SystemHistoryQueryDto } from '@app/alerts';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiListEnvelope, listEnvelope, ListEnvelope, Operation, Principal } from '@app/common';

import { SystemKeyParams } from './alert-params.dto';

@ApiTags('alerts')
@Controller('v1/systems')
export class SystemsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get(':system_key/alerts/history')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiListEnvelope(AlertListItemDto)
  @Operation({
    id: 'getSystemAlertHistory',
    summary: "One system's alert history (seed 002: page/page_size ≤ 200, seven sort fields, from_date/to_date)",
    problems: [400],
  })
  async history(
    @Param() params: SystemKeyParams,
    @Query() query: SystemHistoryQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ListEnvelope<AlertListItemDto>> {
    return listEnvelope(
      await this.alerts.list(
        {
          system_key: [params.system_key],
          alertname: query.alertname,
          severity: query.severity,
          status: query.status,
          suppressed: query.suppressed,
          // A system's history holds its shelved alerts too: shelving hides noise from the console's list only.
          shelved: 'any',
          created_from: query.from_date,
          created_to: query.to_date,
          page: query.page,
          page_size: query.page_size,
          sort_by: query.sort_by,
          sort_direction: query.sort_direction ?? 'desc',
          include_total: true,
        },
        principal,
      ),
      AlertListItemDto.from,
    );
  }
}
