import { InjectQueue } from '@nestjs/bull';
import { Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bull';

import { AuditTrailModule } from '@app/audit-trail';
import { AppConfig } from '@app/config';

import { EXPORT_JOBS, EXPORTS_QUEUE } from '../export-queue';
import { ExportsModule } from '../exports.module';
import { ExportRunner } from '../runner/export-runner';
import { ExportSweeper } from '../runner/export-sweeper';
import { ExportWriters } from '../writers/export-writers';
import { ExportProcessor } from './export.processor';

/** Keeps exactly one repeatable sweep on the queue, at the configured interval. */
@Injectable()
export class ExportSweepSchedule implements OnApplicationBootstrap {
  constructor(@InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue, private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.exportCleanupIntervalSeconds * 1000;
    for (const repeatable of await this.queue.getRepeatableJobs()) {
      if (repeatable.name === EXPORT_JOBS.sweep && Number(repeatable.every) !== every) await this.queue.removeRepeatableByKey(repeatable.key);
    }
    await this.queue.add(EXPORT_JOBS.sweep, {}, { repeat: { every }, removeOnComplete: true, removeOnFail: true });
  }
}

/**
 * The exports consumer. apps/worker imports it; the api imports it too when EXPORTS_IN_PROCESS is
 * set (the demo), which is why it is a library module rather than a part of apps/worker.
 */
@Module({
  imports: [ExportsModule, AuditTrailModule],
  providers: [ExportWriters, ExportRunner, ExportSweeper, ExportProcessor, ExportSweepSchedule],
})
export class ExportsConsumerModule {}
