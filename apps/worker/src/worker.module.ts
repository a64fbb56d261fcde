import { Module } from '@nestjs/common';

import { CommonModule, OperationsModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DATABASE_AND_REDIS_READINESS, DatabaseModule } from '@app/database';
import { QueuesModule } from '@app/queues';

/** Queue consumers join here as later features add them; for now the worker connects and reports health. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    QueuesModule,
    OperationsModule.register(DATABASE_AND_REDIS_READINESS),
  ],
})
export class WorkerModule {}
