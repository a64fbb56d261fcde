import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';
import { RepeatableSchedule } from '@app/queues';

import { EXPORT_JOBS, EXPORTS_QUEUE } from '../export-queue';

/**
 * One repeatable sweep every EXPORT_CLEANUP_INTERVAL_SECONDS; after Redis comes back, one sweep at once
 * as well, which queues again the jobs Redis lost.
 */
@Injectable()
export class ExportSweepSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(EXPORTS_QUEUE) queue: Queue, config: AppConfig) {
    super(queue, {
      name: EXPORT_JOBS.sweep,
      repeat: { every: config.exportCleanupIntervalSeconds * 1000 },
      options: { removeOnComplete: true, removeOnFail: true },
      runOnReconnect: true,
    });
  }
}
