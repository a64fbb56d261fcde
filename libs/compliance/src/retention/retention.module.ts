import { BullModule } from '@nestjs/bull';
import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';

import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { PartitionPurge } from './partition-purge';
import { RetentionProcessor } from './retention.processor';
import { RetentionPurgeService } from './retention-purge.service';
import { RETAINED_FILES, RETENTION_QUEUE } from './retention-queue';
import { RetentionSchedule } from './retention-schedule';

export interface RetentionOptions {
  /** The module that provides the export file storage (ExportsModule). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Its storage token (ExportStorage): anything with `remove(key)`. */
  files: InjectionToken;
}

/**
 * The retention purge, wired by the app: the app names where export files live (the exports storage),
 * so this library does not depend on the exports library (which depends on alerts, which depends on
 * this one). The api has it for POST /v1/compliance/retention/purge.
 */
@Module({})
export class RetentionModule {
  static register(options: RetentionOptions): DynamicModule {
    return {
      module: RetentionModule,
      imports: options.imports,
      providers: [{ provide: RETAINED_FILES, useExisting: options.files }, RetentionPurgeService, PartitionPurge],
      exports: [RetentionPurgeService],
    };
  }
}

/** The retention queue's consumer and its daily schedule (apps/worker; the api with EXPORTS_IN_PROCESS). */
@Module({})
export class RetentionConsumerModule {
  static register(options: RetentionOptions): DynamicModule {
    return {
      module: RetentionConsumerModule,
      imports: [RetentionModule.register(options), QueuesModule, BullModule.registerQueue({ name: RETENTION_QUEUE })],
      providers: [RetentionProcessor, RetentionSchedule, queueMetricsProvider(RETENTION_QUEUE)],
    };
  }
}
