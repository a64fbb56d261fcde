import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { PlainSql, Prisma } from '@app/database';
import { RepeatableSchedule } from '@app/queues';

import { ALERT_SHELVING_JOBS, ALERT_SHELVING_QUEUE } from './shelving-queue';

/** How often the worker folds the hourly counts' deltas: a reader adds up what is not folded yet, so this bounds its extra rows, not staleness. */
export const HOURLY_COUNTS_FOLD_MS = 5_000;

/**
 * Folds alert_hourly_count_deltas into alert_hourly_counts (fold_alert_hourly_count_deltas, prisma/sql/alert_hourly_counts.sql),
 * and so into alert_daily_counts, which triggers on the hourly counts keep (prisma/sql/alert_daily_counts.sql).
 */
@Injectable()
export class HourlyCountsFolder {
  constructor(private readonly sql: PlainSql) {}

  /** The number of deltas folded. */
  async fold(): Promise<number> {
    const [row] = await this.sql.rows<{ folded: string }>(Prisma.sql`SELECT fold_alert_hourly_count_deltas()::text AS folded`);
    return Number(row.folded);
  }
}

/** One repeatable fold every HOURLY_COUNTS_FOLD_MS, on the alerts' sweep queue; after Redis comes back, one at once as well. */
@Injectable()
export class HourlyCountsSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(ALERT_SHELVING_QUEUE) queue: Queue) {
    super(queue, {
      name: ALERT_SHELVING_JOBS.foldHourlyCounts,
      repeat: { every: HOURLY_COUNTS_FOLD_MS },
      options: { removeOnComplete: true, removeOnFail: true },
      runOnReconnect: true,
    });
  }
}
