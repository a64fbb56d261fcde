import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { MonthlyPartitions, MonthlyPartitionsSchedule } from '../partitions/monthly-partitions';
import { HourlyCountsFolder, HourlyCountsSchedule } from './hourly-counts-folder';
import { ShelvingProcessor } from './shelving.processor';
import { ALERT_SHELVING_QUEUE } from './shelving-queue';
import { ShelvingSchedule } from './shelving-schedule';
import { UnshelveSweepService } from './unshelve-sweep.service';

/** The sweep that brings shelved alerts back and the fold of the hourly counts and the months of partitions made ahead, with their schedules (apps/worker; the api with EXPORTS_IN_PROCESS). */
@Module({
  imports: [QueuesModule, BullModule.registerQueue({ name: ALERT_SHELVING_QUEUE })],
  providers: [
    UnshelveSweepService,
    HourlyCountsFolder,
    MonthlyPartitions,
    ShelvingProcessor,
    ShelvingSchedule,
    HourlyCountsSchedule,
    MonthlyPartitionsSchedule,
    queueMetricsProvider(ALERT_SHELVING_QUEUE),
  ],
  exports: [UnshelveSweepService, HourlyCountsFolder, MonthlyPartitions],
})
export class ShelvingConsumerModule {}
