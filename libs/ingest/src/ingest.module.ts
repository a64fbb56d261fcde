import { Module } from '@nestjs/common';

import { ComplianceModule } from '@app/compliance';

import { AlertmanagerIngestService } from './alertmanager-ingest.service';

@Module({ imports: [ComplianceModule], providers: [AlertmanagerIngestService], exports: [AlertmanagerIngestService] })
export class IngestModule {}
