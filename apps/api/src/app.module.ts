import { Module } from '@nestjs/common';

import { AlertsModule } from '@app/alerts';
import { AuditTrailModule } from '@app/audit-trail';
import { AuthModule } from '@app/auth';
import { CommonModule, OperationsModule } from '@app/common';
import { IngestModule } from '@app/ingest';
import { ConfigModule } from '@app/config';
import { DATABASE_AND_REDIS_READINESS, DatabaseModule } from '@app/database';
import { TenantsModule } from '@app/tenants';
import { ThreatCasesModule } from '@app/threat-cases';

import { AlertStatsController } from './alerts/alert-stats.controller';
import { AlertsController } from './alerts/alerts.controller';
import { SystemsController } from './alerts/systems.controller';
import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { IngestController } from './ingest/ingest.controller';
import { ProblemsController } from './problems/problems.controller';
import { TenantsController } from './tenants/tenants.controller';
import { ThreatCasesController } from './threat-cases/threat-cases.controller';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register(DATABASE_AND_REDIS_READINESS),
    AuthModule,
    AuditTrailModule,
    TenantsModule,
    AlertsModule,
    IngestModule,
    ThreatCasesModule,
  ],
  controllers: [ProblemsController, TenantsController, AuditTrailController, AlertStatsController, AlertsController, SystemsController, IngestController, ThreatCasesController],
})
export class AppModule {}
