import { Module } from '@nestjs/common';

import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

@Module({ providers: [AlertsRepository, AlertsService, AlertLifecycleService], exports: [AlertsRepository, AlertsService, AlertLifecycleService] })
export class AlertsModule {}
