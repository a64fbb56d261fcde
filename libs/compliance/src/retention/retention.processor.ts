import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';

import { RetentionPurgeService } from './retention-purge.service';
import { RETENTION_JOBS, RETENTION_QUEUE } from './retention-queue';

/** The retention queue's consumer: the daily purge of every tenant, one run at a time. */
@Processor(RETENTION_QUEUE)
export class RetentionProcessor {
  private readonly logger = new Logger(RetentionProcessor.name);

  constructor(private readonly purger: RetentionPurgeService) {}

  @Process({ name: RETENTION_JOBS.purge, concurrency: 1 })
  async purge(): Promise<void> {
    const { tenant_count: tenants, alerts_purged: alerts } = await this.purger.purgeAll();
    this.logger.log(`retention purge: ${tenants} tenants, ${alerts} alerts purged`);
  }
}
