import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';

import { MonthlyPartitions } from '../partitions/monthly-partitions';
import { HourlyCountsFolder } from './hourly-counts-folder';
import { ALERT_SHELVING_JOBS, ALERT_SHELVING_QUEUE } from './shelving-queue';
import { UnshelveSweepService } from './unshelve-sweep.service';

/** The alert-shelving queue's consumer: one sweep, one fold and one check of the partitions at a time. */
@Processor(ALERT_SHELVING_QUEUE)
export class ShelvingProcessor {
  private readonly logger = new Logger(ShelvingProcessor.name);

  constructor(
    private readonly sweeper: UnshelveSweepService,
    private readonly folder: HourlyCountsFolder,
    private readonly partitions: MonthlyPartitions,
  ) {}

  @Process({ name: ALERT_SHELVING_JOBS.unshelveExpired, concurrency: 1 })
  async unshelveExpired(): Promise<void> {
    const count = await this.sweeper.sweep();
    if (count > 0) this.logger.log(`${count} shelved alerts came back`);
  }

  @Process({ name: ALERT_SHELVING_JOBS.foldHourlyCounts, concurrency: 1 })
  async foldHourlyCounts(): Promise<void> {
    await this.folder.fold();
  }

  @Process({ name: ALERT_SHELVING_JOBS.createPartitions, concurrency: 1 })
  async createPartitions(): Promise<void> {
    await this.partitions.createAhead();
    await this.partitions.analyzeCurrent();
  }
}
