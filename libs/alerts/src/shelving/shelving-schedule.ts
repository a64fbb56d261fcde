import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';
import { RepeatableSchedule } from '@app/queues';

import { ALERT_SHELVING_JOBS, ALERT_SHELVING_QUEUE } from './shelving-queue';

/** One repeatable sweep every ALERT_UNSHELVE_INTERVAL_SECONDS; after Redis comes back, one at once as well. */
@Injectable()
export class ShelvingSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(ALERT_SHELVING_QUEUE) queue: Queue, config: AppConfig) {
    super(queue, {
      name: ALERT_SHELVING_JOBS.unshelveExpired,
      repeat: { every: config.alertUnshelveIntervalSeconds * 1000 },
      options: { removeOnComplete: true, removeOnFail: true },
      runOnReconnect: true,
    });
  }
}
