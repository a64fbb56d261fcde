import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bull';

import { AuditTrailModule } from '@app/audit-trail';
import { AppConfig } from '@app/config';
import { onQueueReconnect } from '@app/queues';

import { EXPORT_JOBS, EXPORTS_QUEUE } from '../export-queue';
import { ExportsModule } from '../exports.module';
import { ExportRunner } from '../runner/export-runner';
import { ExportSweeper } from '../runner/export-sweeper';
import { ExportWriters } from '../writers/export-writers';
import { ExportProcessor } from './export.processor';

/**
 * Keeps exactly one repeatable sweep on the queue, at the configured interval. Redis that comes back
 * empty (it keeps nothing on disk, or was flushed) has lost the schedule too: on every reconnection the
 * schedule is written again and one sweep runs at once, which queues again the jobs Redis lost.
 */
@Injectable()
export class ExportSweepSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportSweepSchedule.name);
  private stopListening = (): void => undefined;

  constructor(@InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue, private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule(false);
    this.stopListening = onQueueReconnect(this.queue, () => this.schedule(true), (error) => this.logger.warn(`could not schedule the export sweep again: ${error.message}`));
  }

  onApplicationShutdown(): void {
    this.stopListening();
  }

  private async schedule(sweepNow: boolean): Promise<void> {
    const every = this.config.exportCleanupIntervalSeconds * 1000;
    for (const repeatable of await this.queue.getRepeatableJobs()) {
      if (repeatable.name === EXPORT_JOBS.sweep && Number(repeatable.every) !== every) await this.queue.removeRepeatableByKey(repeatable.key);
    }
    await this.queue.add(EXPORT_JOBS.sweep, {}, { repeat: { every }, removeOnComplete: true, removeOnFail: true });
    if (sweepNow) await this.queue.add(EXPORT_JOBS.sweep, {}, { jobId: 'sweep-on-reconnect', removeOnComplete: true, removeOnFail: true });
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
