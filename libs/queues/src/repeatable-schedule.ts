import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CronRepeatOptions, EveryRepeatOptions, JobInformation, JobOptions, Queue } from 'bull';

import { onQueueReconnect } from './queue-calls';

/** One repeatable job a schedule keeps on its queue. */
export interface RepeatableJob {
  name: string;
  /** How it repeats; null: it must not be on the queue (e.g. an empty cron setting). */
  repeat: (CronRepeatOptions & { cron: string }) | EveryRepeatOptions | null;
  /** Its other options (attempts, backoff, removal). */
  options: Omit<JobOptions, 'repeat' | 'jobId'>;
  /** Also run it once whenever Redis comes back (a sweep that queues again what Redis lost). */
  runOnReconnect?: boolean;
}

function sameRepeat(current: JobInformation, repeat: RepeatableJob['repeat']): boolean {
  if (!repeat) return false;
  return 'cron' in repeat ? current.cron === repeat.cron : Number(current.every) === repeat.every;
}

/**
 * Keeps exactly one repeatable job on a queue, as the configuration says now: a repeat of another
 * cron or interval (an earlier configuration) is removed. Redis that comes back empty (it keeps
 * nothing on disk, or was flushed) has lost the schedule too, so it is written again on every
 * reconnection. Subclasses name the queue and the job (RetentionSchedule, ExportSweepSchedule).
 */
export class RepeatableSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private stopListening = (): void => undefined;

  constructor(
    private readonly queue: Queue,
    private readonly job: RepeatableJob,
  ) {
    this.logger = new Logger(`${job.name} schedule`);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.write(false);
    this.stopListening = onQueueReconnect(
      this.queue,
      () => this.write(true),
      (error) => this.logger.warn(`could not schedule ${this.job.name} again: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stopListening();
  }

  private async write(reconnected: boolean): Promise<void> {
    const { name, repeat, options, runOnReconnect } = this.job;
    for (const current of await this.queue.getRepeatableJobs()) {
      if (current.name === name && !sameRepeat(current, repeat)) await this.queue.removeRepeatableByKey(current.key);
    }
    if (repeat) await this.queue.add(name, {}, { ...options, repeat });
    if (reconnected && runOnReconnect) await this.queue.add(name, {}, { jobId: `${name}-on-reconnect`, removeOnComplete: true, removeOnFail: true });
  }
}
