import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, BodyLimit, envelope, Envelope, Operation, Principal } from '@app/common';
import { AlertmanagerIngestService, AlertmanagerWebhookDto, IngestResultDto } from '@app/ingest';

@ApiTags('ingestion')
@Controller('v1/ingest')
export class IngestController {
  constructor(private readonly alertmanager: AlertmanagerIngestService) {}

  /**
   * Point an Alertmanager webhook_config here, with a bearer token (a JWT, or an API key as `Bearer ak_…`) or
   * an X-API-Key holding alerts:ingest. Bodies up to INGEST_BODY_LIMIT_BYTES: a group may hold 5,000 alerts.
   */
  @Post('alertmanager')
  @HttpCode(200)
  @BodyLimit('ingestBodyLimitBytes')
  @Authenticated({ scopes: ['alerts:ingest'] })
  @ApiEnvelope(IngestResultDto)
  @Operation({ id: 'ingestAlertmanager', summary: 'Alertmanager webhook (payload version 4): create, update and resolve alerts', problems: [400, 413, 415] })
  async ingest(@Body() body: AlertmanagerWebhookDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<IngestResultDto>> {
    return envelope(await this.alertmanager.ingest(body, principal), 'ingested');
  }
}
