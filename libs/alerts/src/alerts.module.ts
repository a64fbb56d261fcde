import { Module } from '@nestjs/common';

import { ComplianceModule } from '@app/compliance';

import { AlertControlsService } from './alert-controls.service';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertStatsService } from './alert-stats.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

@Module({
  imports: [ComplianceModule],
  providers: [AlertsRepository, AlertsService, AlertLifecycleService, AlertStatsService, AlertControlsService],
  exports: [AlertsRepository, AlertsService, AlertLifecycleService, AlertStatsService, AlertControlsService],
})
export class AlertsModule {}
