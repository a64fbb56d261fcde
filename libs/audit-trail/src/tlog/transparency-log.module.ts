import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';

import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { CheckpointProcessor } from './checkpoint.processor';
import { CheckpointKeys } from './checkpoint-keys';
import { TRANSPARENCY_LOG_QUEUE } from './checkpoint-queue';
import { AuditChainMetrics } from '../audit-chain-metrics';
import { AuditLogCheckService } from './audit-log-check.service';
import { AUDIT_LOG_ALARM, AuditLogAlarm, AuditLogIncidents } from './audit-log-incidents';
import { AuditLogCheckSchedule, CheckpointSchedule } from './checkpoint-schedule';
import { PackEvidenceService } from './pack-evidence';
import { TransparencyLogService } from './transparency-log.service';

/** The tree, its checkpoints and proofs (the api's reads and on-demand checkpoints). */
@Module({ providers: [CheckpointKeys, TransparencyLogService, PackEvidenceService], exports: [CheckpointKeys, TransparencyLogService, PackEvidenceService] })
export class TransparencyLogModule {}

export interface TransparencyLogConsumerOptions {
  /** The modules that provide the alarm's dependencies (the alerts library). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Raises an incident's alert in the tenant's ledger (the alerts library's AuditLogTamperAlarm). */
  alarm: Type<AuditLogAlarm>;
}

/**
 * The checkpoint sweep, the log check and their schedules (apps/worker; the api with EXPORTS_IN_PROCESS).
 * The app hands it the alarm, so this library does not depend on the alerts library (which depends on it).
 */
@Module({})
export class TransparencyLogConsumerModule {
  static register(options: TransparencyLogConsumerOptions): DynamicModule {
    return {
      module: TransparencyLogConsumerModule,
      imports: [TransparencyLogModule, QueuesModule, BullModule.registerQueue({ name: TRANSPARENCY_LOG_QUEUE }), ...options.imports],
      providers: [
        { provide: AUDIT_LOG_ALARM, useClass: options.alarm },
        AuditChainMetrics,
        AuditLogCheckService,
        AuditLogIncidents,
        CheckpointProcessor,
        CheckpointSchedule,
        AuditLogCheckSchedule,
        queueMetricsProvider(TRANSPARENCY_LOG_QUEUE),
      ],
    };
  }
}
