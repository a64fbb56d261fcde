import { BullModule, InjectQueue, Process, Processor } from '@nestjs/bull';
import { DynamicModule, InjectionToken, Injectable, Logger, Module, ModuleMetadata, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';
import { onQueueReconnect, queueMetricsProvider, QueuesModule } from '@app/queues';

import { RetentionPurgeService } from './retention-purge.service';
import { RETAINED_FILES, RETENTION_JOBS, RETENTION_QUEUE } from './retention-queue';

/** The retention queue's consumer: the daily purge of every tenant, one run at a time. */
@Processor(RETENTION_QUEUE)
export class RetentionProcessor {
  private readonly logger = new Logger(RetentionProcessor.name);

  constructor(private readonly purger: RetentionPurgeService) {}

  @Process({ name: RETENTION_JOBS.purge, concurrency: 1 })
  async purge(): Promise<void> {
    const { tenant_count: tenants, alerts_purged: alerts } = await this.purger.purgeAll();
    this.logger.log(`retention purge: ${tenants} tenants, ${alerts} alerts purged`);
  }
}

/**
 * Keeps exactly one repeatable purge on the queue, at RETENTION_PURGE_CRON (none when it is empty),
 * written again whenever Redis comes back (it may have come back empty).
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionSchedule.name);
  private stopListening = (): void => undefined;

  constructor(@InjectQueue(RETENTION_QUEUE) private readonly queue: Queue, private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.stopListening = onQueueReconnect(this.queue, () => this.schedule(), (error) => this.logger.warn(`could not schedule the retention purge again: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stopListening();
  }

  private async schedule(): Promise<void> {
    const cron = this.config.retentionPurgeCron;
    for (const repeatable of await this.queue.getRepeatableJobs()) {
      if (repeatable.name === RETENTION_JOBS.purge && repeatable.cron !== cron) await this.queue.removeRepeatableByKey(repeatable.key);
    }
    if (cron) await this.queue.add(RETENTION_JOBS.purge, {}, { repeat: { cron, tz: 'UTC' }, attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: true, removeOnFail: 100 });
  }
}

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
      providers: [{ provide: RETAINED_FILES, useExisting: options.files }, RetentionPurgeService],
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
