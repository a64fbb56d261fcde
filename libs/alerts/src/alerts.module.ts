import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';

import { ComplianceModule } from '@app/compliance';

import { AlertControlsService } from './alert-controls.service';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertStatsService } from './alert-stats.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { ALERT_FILES, AlertImagesService } from './event/alert-images.service';

export interface AlertsOptions {
  /** The module that provides the export storage (ExportsModule), where event images are attachments. */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Its storage token (ExportStorage): anything with workDir, discardWork, put, size and read. */
  files: InjectionToken;
}

/**
 * Alerts, wired by the app: the app names where event images live (the export storage), so this
 * library does not depend on the exports library (which depends on this one).
 */
@Module({})
export class AlertsModule {
  static register(options: AlertsOptions): DynamicModule {
    const services = [AlertsRepository, AlertsService, AlertLifecycleService, AlertStatsService, AlertControlsService, AlertImagesService];
    return {
      module: AlertsModule,
      imports: [ComplianceModule, ...options.imports],
      providers: [{ provide: ALERT_FILES, useExisting: options.files }, ...services],
      exports: services,
    };
  }
}
