import { Module } from '@nestjs/common';

import { AlertmanagerIngestService } from './alertmanager-ingest.service';

@Module({ providers: [AlertmanagerIngestService], exports: [AlertmanagerIngestService] })
export class IngestModule {}
