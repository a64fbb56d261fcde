import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { PARTITIONED_TABLES, PartitionedTable, partitionName, PlainSql, Prisma, SqlRun } from '@app/database';
import { RepeatableSchedule } from '@app/queues';

import { ALERT_SHELVING_JOBS, ALERT_SHELVING_QUEUE } from '../shelving/shelving-queue';

/** Months of partitions the worker keeps made after the current one, so that a new alert never lands in the default partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * How often the worker checks them: every minute, so a month is made weeks before its first alert, and the
 * current month's statistics follow it while it fills (analyzeCurrent). A minute, not more: until the first
 * analysis of a month, the api's connections keep the foreign key check of each timeline entry planned for
 * an empty month, on an index that does not lead with the id (ingestion at about half its rate, or far less
 * as the month fills). Each check is two catalogue queries.
 */
export const PARTITION_CHECK_MS = 60_000;

/** The rows changed since a partition's last analysis after which analyzeCurrent analyses it: 50 and a tenth, autovacuum's defaults. */
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
/** The dead rows after which it vacuums the partition as well: 50 and a fifth, autovacuum's defaults. */
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;

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

  /**
   * Makes the partitions of the current month and the PARTITION_MONTHS_AHEAD after it that are missing;
   * answers their names. The catalogue is asked once for what is missing and once afterwards: partition_create
   * makes an alerts month and its timeline month together, so the second answer says what was made.
   */
  async createAhead(now = new Date()): Promise<string[]> {
    const wanted = Array.from(
      { length: PARTITION_MONTHS_AHEAD + 1 },
      (_, ahead) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1)),
    ).flatMap((month) => PARTITIONED_TABLES.map((table) => ({ table, month, name: partitionName(table, month) })));
    const missing = async () =>
      new Set(
        (
          await this.sql.rows<{ name: string }>(
            Prisma.sql`SELECT name FROM unnest(${wanted.map((part) => part.name)}::text[]) AS name WHERE to_regclass(name) IS NULL`,
          )
        ).map((row) => row.name),
      );
    const before = await missing();
    if (before.size === 0) return [];
    for (const { table, month, name } of wanted) {
      if (!before.has(name)) continue;
      // One month that cannot be made (its rows already in the default partition, a lock not granted in
      // time) does not keep the others from being made.
      await this.create(table, month).catch((error: Error) => this.logger.error(`could not make ${name}: ${error.message}`));
    }
    const after = await missing();
    const made = wanted.map((part) => part.name).filter((name) => before.has(name) && !after.has(name));
    if (made.length) this.logger.log(`made the partitions ${made.join(', ')}`);
    return made;
  }

  /**
   * Analyses the partitions of the month that holds `now` that changed by more than 50 rows and a tenth since
   * their last analysis, as autovacuum would; answers their names. A month starts empty, and a plan a
   * connection keeps (the check of a timeline entry's foreign key, say) is made for the size the statistics
   * give: a sequential scan of a table analysed empty, or, never analysed, a walk of a whole index that holds
   * the id second (where sizes tie, the planner takes the index made last), repeated for every entry as the
   * month fills. An analysis replaces those plans. Autovacuum does it too when it runs and gets to the
   * partition; this does not wait for it (docs/BENCHMARKS.md, "Alertmanager ingestion").
   *
   * A partition whose dead rows pass 50 and a fifth of the live ones is vacuumed (and analysed), again as
   * autovacuum would. An analysis alone of a month whose rows were deleted (a purge, a tenant removed) counts
   * no live row in pages that are still there: the planner then takes the month for empty however far it
   * grows, and the foreign key check of each timeline entry scanned a whole index of it (one second a payload
   * of 100, docs/BENCHMARKS.md). VACUUM frees those pages first.
   */
  async analyzeCurrent(now = new Date()): Promise<string[]> {
    const done = await maintainAsAutovacuum(
      (query) => this.sql.rows(query),
      PARTITIONED_TABLES.map((table) => partitionName(table, now)),
    );
    if (done.length) this.logger.log(`analysed ${done.map((row) => `${row.name}${row.vacuum ? ' (vacuumed first)' : ''}`).join(', ')}`);
    return done.map((row) => row.name);
  }

  /** Makes `table`'s partition of the month that holds `month` (partition_create makes only what is missing). */
  async create(table: PartitionedTable, month: Date): Promise<void> {
    await this.sql.transaction(async (run) => {
      await run(Prisma.sql`SET LOCAL lock_timeout = '5s'`);
      await run(Prisma.sql`SELECT partition_create(${table}, ${month}::timestamptz)`);
    });
  }
}

/**
 * What autovacuum would do to `tables` now, with its default thresholds: VACUUM (ANALYZE) of each whose dead
 * rows passed 50 and a fifth of its live ones, ANALYZE of each that changed by 50 rows and a tenth since its
 * last analysis. Answers the tables it took, and whether it vacuumed each. (The counts come from the
 * statistics, which a backend reports within seconds of its changes.)
 */
export async function maintainAsAutovacuum(run: SqlRun, tables: string[]): Promise<{ name: string; vacuum: boolean }[]> {
  const due = await run<{ name: string; vacuum: boolean }>(Prisma.sql`
    SELECT name, vacuum_due AS vacuum FROM (
      SELECT name, s.n_dead_tup > ${VACUUM_THRESHOLD} + ${VACUUM_SCALE} * greatest(c.reltuples, 0) AS vacuum_due,
             s.n_mod_since_analyze > ${ANALYZE_THRESHOLD} + ${ANALYZE_SCALE} * greatest(c.reltuples, 0) AS analyse_due
        FROM unnest(${tables}::text[]) AS name
        JOIN pg_stat_user_tables s ON s.relid = to_regclass(name) JOIN pg_class c ON c.oid = s.relid) p
     WHERE vacuum_due OR analyse_due`);
  for (const { name, vacuum } of due) await run(Prisma.sql`${Prisma.raw(vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE')} ${Prisma.raw(`"${name}"`)}`);
  return due;
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
