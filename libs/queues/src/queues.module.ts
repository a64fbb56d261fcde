import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { AppConfig } from '@app/config';

import { QueueMetrics } from './queue-metrics';

/**
 * The Bull connection shared by producers (api) and consumers (worker), and the queues' gauges (a module
 * that registers a queue adds `queueMetricsProvider(name)`). Queue names, job payloads and producer
 * services live beside it; consumers live in apps/worker.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        redis: config.redisUrl,
        prefix: `${config.redisPrefix}:bull`,
      }),
    }),
  ],
  providers: [QueueMetrics],
  exports: [BullModule, QueueMetrics],
})
export class QueuesModule {}
