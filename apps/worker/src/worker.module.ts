import { Module } from '@nestjs/common';

import { AlertsModule, AuditLogTamperAlarm, ShelvingConsumerModule } from '@app/alerts';
import { TransparencyLogConsumerModule } from '@app/audit-trail';
import { CommonModule, OperationsModule } from '@app/common';
import { RetentionConsumerModule } from '@app/compliance';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EXPORTS_READINESS, ExportsConsumerModule, ExportsModule, ExportStorage } from '@app/exports';
import { WebhooksConsumerModule } from '@app/webhooks';

/** The retention purge removes export files through the exports storage; the alarm's alerts keep their images there. */
const EXPORT_FILES = { imports: [ExportsModule], files: ExportStorage };

/** The queue consumers (exports, the daily retention purge, webhooks with the outbox relay, the shelf sweep, the audit log's checkpoints) and the worker's health endpoints. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register(EXPORTS_READINESS),
    ExportsConsumerModule,
    RetentionConsumerModule.register(EXPORT_FILES),
    WebhooksConsumerModule,
    ShelvingConsumerModule,
    TransparencyLogConsumerModule.register({ imports: [AlertsModule.register(EXPORT_FILES)], alarm: AuditLogTamperAlarm }),
  ],
})
export class WorkerModule {}
