import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { AppConfig } from '@app/config';

/**
 * The Bull connection shared by producers (api) and consumers (worker). Queue names, job payloads and
 * producer services live beside it; consumers live in apps/worker.
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
  exports: [BullModule],
})
export class QueuesModule {}
