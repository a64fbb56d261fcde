import { Module } from '@nestjs/common';

import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertStatsService } from './alert-stats.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

@Module({
  providers: [AlertsRepository, AlertsService, AlertLifecycleService, AlertStatsService],
  exports: [AlertsRepository, AlertsService, AlertLifecycleService, AlertStatsService],
})
export class AlertsModule {}
