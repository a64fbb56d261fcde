import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { AllowNulText, ApiEnvelope, BodyLimit, envelope, Envelope, Operation, Principal } from '@app/common';
import { AlertmanagerWebhookDto, AlertmanagerWebhookService, IngestResultDto } from '@app/ingest';

import { IngestRefusalFilter } from './ingest-refusal.filter';

@ApiTags('ingestion')
@Controller('v1/ingest')
@UseFilters(IngestRefusalFilter)
export class IngestController {
  constructor(private readonly alertmanager: AlertmanagerWebhookService) {}

  /**
   * Point an Alertmanager webhook_config here, with a bearer token (a JWT, or an API key as `Bearer ak_…`) or
   * an X-API-Key holding alerts:ingest. Bodies up to INGEST_BODY_LIMIT_BYTES: a group may hold 5,000 alerts.
   * Each alert is taken on its own: fields over their limit are cut (truncated_fields), NULs replaced by
   * U+FFFD, and an alert that is still invalid is refused alone (refused_alerts) while its group is stored.
   */
  @Post('alertmanager')
  @HttpCode(200)
  @BodyLimit('ingestBodyLimitBytes')
  @AllowNulText()
  @Authenticated({ scopes: ['alerts:ingest'] })
  @ApiEnvelope(IngestResultDto)
  @Operation({ id: 'ingestAlertmanager', summary: 'Alertmanager webhook (payload version 4): create, update and resolve alerts', problems: [400, 413, 415] })
  async ingest(@Body() body: AlertmanagerWebhookDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<IngestResultDto>> {
    return envelope(await this.alertmanager.receive(body, principal), 'ingested');
  }
}
