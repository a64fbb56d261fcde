import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';

import { AuditChainMetrics } from '../audit-chain-metrics';
import { AuditLogCheckService } from './audit-log-check.service';
import { AuditLogIncidents } from './audit-log-incidents';
import { TRANSPARENCY_LOG_JOBS, TRANSPARENCY_LOG_QUEUE } from './checkpoint-queue';
import { TransparencyLogService } from './transparency-log.service';

/** The transparency-log queue's consumer: one sweep and one check at a time; one tenant's failure does not hold back the others. */
@Processor(TRANSPARENCY_LOG_QUEUE)
export class CheckpointProcessor {
  private readonly logger = new Logger(CheckpointProcessor.name);

  constructor(
    private readonly log: TransparencyLogService,
    private readonly checker: AuditLogCheckService,
    private readonly incidents: AuditLogIncidents,
    private readonly metrics: AuditChainMetrics,
  ) {}

  @Process({ name: TRANSPARENCY_LOG_JOBS.checkpoint, concurrency: 1 })
  async checkpoint(): Promise<void> {
    let issued = 0;
    for (const tenantId of await this.log.tenantsBehind()) {
      try {
        if ((await this.log.issueCheckpoint(tenantId)).issued) issued++;
      } catch (error) {
        this.logger.error(`checkpoint of tenant ${tenantId} failed: ${(error as Error).message}`);
      }
    }
    if (issued > 0) this.logger.log(`${issued} checkpoints signed`);
  }

  @Process({ name: TRANSPARENCY_LOG_JOBS.check, concurrency: 1 })
  async check(): Promise<void> {
    for (const tenantId of await this.checker.tenantsWithCheckpoints()) {
      try {
        const finding = await this.checker.check(tenantId);
        this.metrics.verified('log', finding === null);
        if (finding) await this.incidents.report(tenantId, finding);
      } catch (error) {
        this.logger.error(`check of tenant ${tenantId}'s audit log failed: ${(error as Error).message}`);
      }
    }
  }
}
