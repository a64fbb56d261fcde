import { DynamicModule, Module } from '@nestjs/common';

import { AlertsModule, AuditLogTamperAlarm, ShelvingConsumerModule } from '@app/alerts';
import { AuditTrailModule, TransparencyLogConsumerModule, TransparencyLogModule } from '@app/audit-trail';
import { AuthModule } from '@app/auth';
import { CommonModule, OperationsModule } from '@app/common';
import { ComplianceModule, RetentionConsumerModule, RetentionModule } from '@app/compliance';
import { IngestModule } from '@app/ingest';
import { MaintenanceModule } from '@app/maintenance';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventsModule } from '@app/events';
import { EXPORTS_READINESS, ExportsConsumerModule, ExportsModule, ExportStorage } from '@app/exports';
import { TenantsModule } from '@app/tenants';
import { ThreatCasesModule } from '@app/threat-cases';
import { WebhooksConsumerModule, WebhooksModule } from '@app/webhooks';

import { AlertStatsController } from './alerts/alert-stats.controller';
import { AlertsController } from './alerts/alerts.controller';
import { SystemsController } from './alerts/systems.controller';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { CheckpointKeysController, TransparencyLogController } from './audit-trail/transparency-log.controller';
import { EventsController } from './events/events.controller';
import { ComplianceSettingsController } from './compliance/compliance-settings.controller';
import { ControlRulesController } from './compliance/control-rules.controller';
import { LegalHoldsController } from './compliance/legal-holds.controller';
import { MaintenanceWindowsController } from './maintenance/maintenance-windows.controller';
import { RetentionController } from './compliance/retention.controller';
import { ExportsController } from './exports/exports.controller';
import { IngestController } from './ingest/ingest.controller';
import { ProblemsController } from './problems/problems.controller';
import { MeController } from './tenants/me.controller';
import { TenantsController } from './tenants/tenants.controller';
import { CaseObservablesController, ObservablesController } from './threat-cases/case-observables.controller';
import { CaseTasksController } from './threat-cases/case-tasks.controller';
import { ThreatCasesController } from './threat-cases/threat-cases.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The retention purge removes export files through the exports storage; event images are attachments there. */
const EXPORT_FILES = { imports: [ExportsModule], files: ExportStorage };

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register(EXPORTS_READINESS),
    AuthModule,
    AuditTrailModule,
    TransparencyLogModule,
    TenantsModule,
    AlertsModule.register(EXPORT_FILES),
    IngestModule,
    ExportsModule,
    ThreatCasesModule,
    ComplianceModule,
    RetentionModule.register(EXPORT_FILES),
    WebhooksModule,
    EventsModule,
    MaintenanceModule,
  ],
  controllers: [
    ProblemsController,
    TenantsController,
    MeController,
    AuditTrailController,
    TransparencyLogController,
    CheckpointKeysController,
    AlertStatsController,
    AlertsController,
    SystemsController,
    IngestController,
    ThreatCasesController,
    CaseTasksController,
    CaseObservablesController,
    ObservablesController,
    ExportsController,
    ComplianceSettingsController,
    ControlRulesController,
    LegalHoldsController,
    RetentionController,
    WebhooksController,
    EventsController,
    MaintenanceWindowsController,
  ],
})
export class AppModule {
  /**
   * The api; with EXPORTS_IN_PROCESS it also consumes the worker's queues, exports, the retention
   * purge, webhooks (with the outbox relay), the shelf sweep and the checkpoint sweep (one process for small setups and the e2e tests).
   */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: config.exportsInProcess
        ? [
            ExportsConsumerModule,
            RetentionConsumerModule.register(EXPORT_FILES),
            WebhooksConsumerModule,
            ShelvingConsumerModule,
            TransparencyLogConsumerModule.register({ imports: [AlertsModule.register(EXPORT_FILES)], alarm: AuditLogTamperAlarm }),
          ]
        : [],
    };
  }
}
