import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { AuditTrailModule } from '@app/audit-trail';
import { OperationsOptions, RedisService } from '@app/common';
import { AppConfig } from '@app/config';
import { PrismaService, ReadReplica } from '@app/database';
import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { ExportDownloadsService } from './export-downloads.service';
import { ExportMetrics } from './export-metrics';
import { EXPORTS_QUEUE } from './export-queue';
import { ExportsService } from './exports.service';
import { ExportJobsRepository } from './jobs/export-jobs.repository';
import { ChromiumService } from './pdf/chromium.service';
import { RECORD_SOURCE_PROVIDERS, RecordSources } from './sources/record-sources';
import { ExportStorage, LocalExportStorage } from './storage/export-storage';

/**
 * The exports queue and what both sides need: the api starts, reads and cancels jobs here; the
 * consumer (ExportsConsumerModule) runs them. The queue's lock settings decide how soon a job of a
 * killed worker is taken over, so producers and consumers share them.
 */
@Module({
  imports: [
    QueuesModule,
    AuditTrailModule,
    BullModule.registerQueueAsync({
      name: EXPORTS_QUEUE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        settings: { lockDuration: config.exportStalledSeconds * 1000, stalledInterval: config.exportStalledSeconds * 1000, maxStalledCount: 1 },
      }),
    }),
  ],
  providers: [
    queueMetricsProvider(EXPORTS_QUEUE),
    ExportJobsRepository,
    ExportsService,
    ExportDownloadsService,
    ExportMetrics,
    ChromiumService,
    ...RECORD_SOURCE_PROVIDERS,
    {
      provide: ExportStorage,
      inject: [AppConfig],
      // The SDK is loaded only by processes that use it.
      useFactory: async (config: AppConfig): Promise<ExportStorage> =>
        config.exportStorage === 's3' ? new (await import('./storage/s3-export-storage')).S3ExportStorage(config) : new LocalExportStorage(config),
    },
  ],
  exports: [BullModule, ExportJobsRepository, ExportsService, ExportDownloadsService, ExportMetrics, ChromiumService, RecordSources, ExportStorage],
})
export class ExportsModule {}

/** /health/ready of a process that exports: PostgreSQL, Redis and the browser, and the read replica when there is one. */
export const EXPORTS_READINESS: OperationsOptions = {
  imports: [ExportsModule],
  inject: [PrismaService, RedisService, ChromiumService, ReadReplica],
  checks: (prisma: PrismaService, redis: RedisService, chromium: ChromiumService, replica: ReadReplica) => [
    { name: 'database', isReady: () => prisma.isReachable() },
    { name: 'redis', isReady: () => redis.isReachable() },
    { name: 'browser', isReady: () => chromium.isReady() },
    ...(replica.configured ? [{ name: 'replica', optional: true, isReady: () => Promise.resolve(replica.state()) }] : []),
  ],
};
