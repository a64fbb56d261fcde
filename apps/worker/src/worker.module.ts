import { Module } from '@nestjs/common';

import { CommonModule, OperationsModule, RedisService } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule, PrismaService } from '@app/database';
import { QueuesModule } from '@app/queues';

/** Queue consumers join here as later features add them; for now the worker connects and reports health. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    QueuesModule,
    OperationsModule.register({
      inject: [PrismaService, RedisService],
      checks: (prisma: PrismaService, redis: RedisService) => [
        { name: 'database', isReady: () => prisma.isReachable() },
        { name: 'redis', isReady: () => redis.isReachable() },
      ],
    }),
  ],
})
export class WorkerModule {}
