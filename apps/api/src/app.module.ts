import { DynamicModule, Module } from '@nestjs/common';

import { AlertsModule } from '@app/alerts';
import { AuditTrailModule } from '@app/audit-trail';
import { AuthModule } from '@app/auth';
import { CommonModule, OperationsModule } from '@app/common';
import { ComplianceModule, RetentionModule } from '@app/compliance';
import { IngestModule } from '@app/ingest';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EXPORTS_READINESS, ExportsConsumerModule, ExportsModule, ExportStorage } from '@app/exports';
import { TenantsModule } from '@app/tenants';
import { ThreatCasesModule } from '@app/threat-cases';

import { AlertStatsController } from './alerts/alert-stats.controller';
import { AlertsController } from './alerts/alerts.controller';
import { SystemsController } from './alerts/systems.controller';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { ComplianceSettingsController } from './compliance/compliance-settings.controller';
import { ControlRulesController } from './compliance/control-rules.controller';
import { LegalHoldsController } from './compliance/legal-holds.controller';
import { RetentionController } from './compliance/retention.controller';
import { ExportsController } from './exports/exports.controller';
import { IngestController } from './ingest/ingest.controller';
import { ProblemsController } from './problems/problems.controller';
import { TenantsController } from './tenants/tenants.controller';
import { ThreatCasesController } from './threat-cases/threat-cases.controller';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register(EXPORTS_READINESS),
    AuthModule,
    AuditTrailModule,
    TenantsModule,
    AlertsModule,
    IngestModule,
    ExportsModule,
    ThreatCasesModule,
    ComplianceModule,
  ],
  controllers: [
    ProblemsController, TenantsController, AuditTrailController, AlertStatsController, AlertsController, SystemsController, IngestController, ThreatCasesController,
    ExportsController, ComplianceSettingsController, ControlRulesController, LegalHoldsController, RetentionController,
  ],
})
export class AppModule {
  /**
   * The api; with EXPORTS_IN_PROCESS it also consumes the worker's queues, exports and the retention
   * purge (one process for small setups and the e2e tests). The purge itself is always here, for
   * POST /v1/compliance/retention/purge.
   */
  static register(config: AppConfig): DynamicModule {
    const retention = RetentionModule.register({ imports: [ExportsModule], files: ExportStorage, consume: config.exportsInProcess });
    return { module: AppModule, imports: [retention, ...(config.exportsInProcess ? [ExportsConsumerModule] : [])] };
  }
}
