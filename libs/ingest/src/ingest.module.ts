import { Module } from '@nestjs/common';

import { ComplianceModule } from '@app/compliance';

import { AlertmanagerIngestService } from './alertmanager-ingest.service';
import { AlertmanagerWebhookService } from './alertmanager-webhook.service';
import { IngestMetrics } from './ingest-metrics';

@Module({
  imports: [ComplianceModule],
  providers: [AlertmanagerIngestService, AlertmanagerWebhookService, IngestMetrics],
  exports: [AlertmanagerWebhookService, IngestMetrics],
})
export class IngestModule {}
