import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';
import { RepeatableSchedule } from '@app/queues';

import { TRANSPARENCY_LOG_JOBS, TRANSPARENCY_LOG_QUEUE } from './checkpoint-queue';

/** One repeatable checkpoint sweep every CHECKPOINT_INTERVAL_SECONDS (none when it is 0 or without a signing key); after Redis comes back, one at once as well. */
@Injectable()
export class CheckpointSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(TRANSPARENCY_LOG_QUEUE) queue: Queue, config: AppConfig) {
    const scheduled = config.signingKeyFiles.length > 0 && config.checkpointIntervalSeconds > 0;
    super(queue, {
      name: TRANSPARENCY_LOG_JOBS.checkpoint,
      repeat: scheduled ? { every: config.checkpointIntervalSeconds * 1000 } : null,
      options: { removeOnComplete: true, removeOnFail: true },
      runOnReconnect: scheduled,
    });
  }
}

/** One repeatable check of every tenant's log every AUDIT_LOG_CHECK_INTERVAL_SECONDS (none when it is 0). */
@Injectable()
export class AuditLogCheckSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(TRANSPARENCY_LOG_QUEUE) queue: Queue, config: AppConfig) {
    super(queue, {
      name: TRANSPARENCY_LOG_JOBS.check,
      repeat: config.auditLogCheckIntervalSeconds > 0 ? { every: config.auditLogCheckIntervalSeconds * 1000 } : null,
      options: { removeOnComplete: true, removeOnFail: true },
    });
  }
}
