import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';
import { RepeatableSchedule } from '@app/queues';

import { RETENTION_JOBS, RETENTION_QUEUE } from './retention-queue';

/** One repeatable purge at RETENTION_PURGE_CRON (UTC), none when it is empty. */
@Injectable()
export class RetentionSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(RETENTION_QUEUE) queue: Queue, config: AppConfig) {
    const cron = config.retentionPurgeCron;
    super(queue, {
      name: RETENTION_JOBS.purge,
      repeat: cron ? { cron, tz: 'UTC' } : null,
      options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: true, removeOnFail: 100 },
    });
  }
}
