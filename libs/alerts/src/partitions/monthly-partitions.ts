import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { PARTITIONED_TABLES, PartitionedTable, partitionName, PlainSql, Prisma } from '@app/database';
import { RepeatableSchedule } from '@app/queues';

import { ALERT_SHELVING_JOBS, ALERT_SHELVING_QUEUE } from '../shelving/shelving-queue';

/** Months of partitions the worker keeps made after the current one, so that a new alert never lands in the default partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/** How often the worker checks them: hourly, so a month is made weeks before its first alert. */
export const PARTITION_CHECK_MS = 3_600_000;

/**
 * The monthly partitions of alerts, their timeline and the audit trail. The migration made a partition for
 * every month that held a row and the next three; the worker makes the months ahead from then on (partition_create,
 * which creates only what is missing). Making one takes a brief lock of the parent table, so it gives up
 * after 5 s rather than hold readers behind it, and the next hour tries again.
 */
@Injectable()
export class MonthlyPartitions {
  private readonly logger = new Logger(MonthlyPartitions.name);

  constructor(private readonly sql: PlainSql) {}

  /** Makes the partitions of the current month and the PARTITION_MONTHS_AHEAD after it that are missing; answers their names. */
  async createAhead(now = new Date()): Promise<string[]> {
    const made: string[] = [];
    for (let ahead = 0; ahead <= PARTITION_MONTHS_AHEAD; ahead++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1));
      for (const table of PARTITIONED_TABLES) {
        // One month that cannot be made (its rows already in the default partition, a lock not granted in
        // time) does not keep the others from being made.
        const created = await this.create(table, month).catch((error: Error) => {
          this.logger.error(`could not make ${partitionName(table, month)}: ${error.message}`);
          return [];
        });
        made.push(...created);
      }
    }
    if (made.length) this.logger.log(`made the partitions ${made.join(', ')}`);
    return made;
  }

  /**
   * Makes `table`'s partition of the month that holds `month` when it is missing; answers the partitions of
   * that month made (partition_create makes an alerts month and its timeline month together).
   */
  async create(table: PartitionedTable, month: Date): Promise<string[]> {
    const names = PARTITIONED_TABLES.map((each) => partitionName(each, month));
    const missing = async () =>
      (await this.sql.rows<{ name: string }>(Prisma.sql`SELECT name FROM unnest(${names}::text[]) AS name WHERE to_regclass(name) IS NULL`)).map(
        (row) => row.name,
      );
    const before = await missing();
    if (!before.includes(partitionName(table, month))) return [];
    await this.sql.transaction(async (run) => {
      await run(Prisma.sql`SET LOCAL lock_timeout = '5s'`);
      await run(Prisma.sql`SELECT partition_create(${table}, ${month}::timestamptz)`);
    });
    const after = new Set(await missing());
    return before.filter((name) => !after.has(name));
  }
}

/** One check every PARTITION_CHECK_MS on the alerts' sweep queue, and one at once after Redis comes back. */
@Injectable()
export class MonthlyPartitionsSchedule extends RepeatableSchedule {
  constructor(@InjectQueue(ALERT_SHELVING_QUEUE) queue: Queue) {
    super(queue, {
      name: ALERT_SHELVING_JOBS.createPartitions,
      repeat: { every: PARTITION_CHECK_MS },
      options: { removeOnComplete: true, removeOnFail: true },
      runOnReconnect: true,
    });
  }
}
