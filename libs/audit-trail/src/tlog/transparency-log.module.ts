import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { CheckpointProcessor } from './checkpoint.processor';
import { CheckpointKeys } from './checkpoint-keys';
import { TRANSPARENCY_LOG_QUEUE } from './checkpoint-queue';
import { CheckpointSchedule } from './checkpoint-schedule';
import { TransparencyLogService } from './transparency-log.service';

/** The tree, its checkpoints and proofs (the api's reads and on-demand checkpoints). */
@Module({ providers: [CheckpointKeys, TransparencyLogService], exports: [CheckpointKeys, TransparencyLogService] })
export class TransparencyLogModule {}

/** The checkpoint sweep and its schedule (apps/worker; the api with EXPORTS_IN_PROCESS). */
@Module({
  imports: [TransparencyLogModule, QueuesModule, BullModule.registerQueue({ name: TRANSPARENCY_LOG_QUEUE })],
  providers: [CheckpointProcessor, CheckpointSchedule, queueMetricsProvider(TRANSPARENCY_LOG_QUEUE)],
})
export class TransparencyLogConsumerModule {}
