import { Module } from '@nestjs/common';

import { CommonModule, OperationsModule } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EXPORTS_READINESS, ExportsConsumerModule } from '@app/exports';

/** The queue consumers (exports) and the worker's health endpoints. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register(EXPORTS_READINESS),
    ExportsConsumerModule,
  ],
})
export class WorkerModule {}
