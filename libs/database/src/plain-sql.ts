import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Pool, PoolClient, QueryResult } from 'pg';

import { isConnectionError, RequestContextStore } from '@app/common';
import { AppConfig } from '@app/config';

import { Prisma } from './generated/prisma/client';
import { inlineSql } from './inline-sql';
import { loadAlertIdSkew } from './monthly-partitions';
import { resilientPool, watchConnection } from './pg-connection';
import { PG_TYPES } from './pg-types';
import { ReadReplica } from './read-replica';

/** Between the statements of one simple-protocol message: on lines of its own, so that a statement ending in a `--` comment does not swallow it. */
const STATEMENT_SEPARATOR = '\n;\n';

const SNAPSHOT_BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** Methods whose requests write nothing they read back: their reads that may lag may go to the replica. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Runs one statement on the connection of a transaction. */
export type SqlRun = <R>(query: Prisma.Sql) => Promise<R[]>;

/**
 * Plain `pg` for the hot paths: alert lists and details, statistics, and bulk ingestion writes, where
 * Prisma's runtime costs more CPU than the query (docs/BENCHMARKS.md). It runs SQL built with
 * Prisma.sql; rows come back under the column aliases the statement gives them. Everything else,
 * including every tenant-scoped write, stays with Prisma.
 *
 * `rows`, `snapshot` and `transaction` use the primary. The reads that may lag (`read`, `readInTimeZone`,
 * `exportSnapshot`: alert lists, details, statistics and exports) use the read replica when one is
 * configured and up (ReadReplica), and the primary otherwise.
 */

@Injectable()
export class PlainSql implements OnModuleInit, OnModuleDestroy {
  private readonly pool: Pool;
  private readonly logger = new Logger(PlainSql.name);

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly replica?: ReadReplica,
  ) {
    this.pool = resilientPool({ connectionString: config.databaseUrl, max: config.databasePoolSize, types: PG_TYPES });
  }

  /** Reads alert_id_skew() in the background: start-up does not wait for the database. */
  onModuleInit(): void {
    loadAlertIdSkew((query) => this.rows(query)).catch((error: Error) =>
      this.logger.warn(`alert_id_skew() not read (${error.message}): filters up to a time read a day more of ids`),
    );
  }

  async rows<T>(query: Prisma.Sql): Promise<T[]> {
    return (await this.pool.query(query.text, query.values)).rows as T[];
  }

  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (run: SqlRun, client: PoolClient) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', work);
  }

  /**
   * Runs `work` on one connection inside a REPEATABLE READ, READ ONLY transaction: every query sees the
   * same snapshot, so a count, a summary and a long keyset walk (exports) agree with one another.
   */
  snapshot<T>(work: (run: SqlRun) => Promise<T>): Promise<T> {
    return this.inTransaction(SNAPSHOT_BEGIN, work);
  }

  /**
   * `rows` for a read that may lag behind the latest writes by up to READ_MAX_LAG_SECONDS: in a GET or
   * HEAD request it goes to the read replica while that is up; any other request's reads see its own
   * writes on the primary. A replica that fails the read (gone, or a recovery conflict) hands it to the primary.
   */
  read<T>(query: Prisma.Sql): Promise<T[]> {
    return this.routed(async (pool) => (await pool.query(query.text, query.values)).rows as T[]);
  }

  /** Runs a query with the session time zone set (for date_trunc and generate_series in local time); routed as `read`. */
  readInTimeZone<T>(zone: string, query: Prisma.Sql): Promise<T[]> {
    return this.routed((pool) =>
      this.inTransaction(
        'BEGIN READ ONLY',
        async (run) => {
          await run(Prisma.sql`SELECT set_config('TimeZone', ${zone}, true)`);
          return run<T>(query);
        },
        pool,
      ),
    );
  }

  /**
   * `snapshot` for an export: on the read replica once it has replayed every write the primary had made
   * when this was called (the job and the alerts sent before it), else on the primary. `work` learns the
   * server's URL, where the export's part threads import the snapshot. A replica that fails the export
   * midway (lost, or a recovery conflict cancelling the snapshot) fails that attempt; `primaryOnly` (the
   * export's retries) reads the primary whatever the replica's state.
   */
  async exportSnapshot<T>(work: (run: SqlRun, databaseUrl: string) => Promise<T>, options: { primaryOnly?: boolean } = {}): Promise<T> {
    const replica = this.replica;
    if (replica?.pool && replica.url && !options.primaryOnly) {
      if (await replica.caughtUpWithPrimary()) {
        const url = replica.url;
        try {
          const result = await this.inTransaction(SNAPSHOT_BEGIN, (run) => work(run, url), replica.pool);
          replica.answered('replica');
          return result;
        } catch (error) {
          replica.failed(error);
          throw error;
        }
      }
      replica.fellBack(replica.state() === 'down' ? 'down' : 'lagging');
    }
    const result = await this.inTransaction(SNAPSHOT_BEGIN, (run) => work(run, this.config.databaseUrl));
    replica?.answered('primary');
    return result;
  }

  /** Runs a read on the replica's pool when `read` allows it, else (or when the replica fails it) on the primary's. */
  private async routed<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    const replica = this.replica;
    if (!replica?.configured || !SAFE_METHODS.has(RequestContextStore.current()?.method ?? '')) return work(this.pool);
    const pool = replica.poolForRead();
    if (pool) {
      try {
        const result = await work(pool);
        replica.answered('replica');
        return result;
      } catch (error) {
        replica.fellBack(replica.failed(error));
      }
    }
    const result = await work(this.pool);
    replica.answered('primary');
    return result;
  }

  /**
   * A transaction in two round trips, where `transaction` takes one for BEGIN, one a statement and one
   * for COMMIT: BEGIN and the `first` statements go as one message of the simple query protocol, then the
   * statements `then` builds from the last one's rows, with COMMIT, as a second. Each statement still
   * takes its own snapshot, as it does in `transaction`; a statement that fails ends its message there,
   * and the transaction is rolled back. The simple protocol takes no parameters, so the
   * values are written into the text (`inlineSql`). For the audit record of every audited read
   * (docs/BENCHMARKS.md).
   */
  twoRoundTrips<R>(first: Prisma.Sql[], then: (rows: R[]) => Prisma.Sql[]): Promise<void> {
    return this.onConnection(async (client) => {
      // READ COMMITTED whatever the database's default: each statement's snapshot is taken when it starts.
      const opening = ['BEGIN ISOLATION LEVEL READ COMMITTED', ...first.map(inlineSql)];
      const results = ([] as QueryResult[]).concat(await client.query(opening.join(STATEMENT_SEPARATOR)));
      await client.query([...then(results[results.length - 1].rows as R[]).map(inlineSql), 'COMMIT'].join(STATEMENT_SEPARATOR));
    });
  }

  private inTransaction<T>(begin: string, work: (run: SqlRun, client: PoolClient) => Promise<T>, pool = this.pool): Promise<T> {
    return this.onConnection(async (client) => {
      await client.query(begin);
      const result = await work(async <R>(query: Prisma.Sql) => (await client.query(query.text, query.values)).rows as R[], client);
      await client.query('COMMIT');
      return result;
    }, pool);
  }

  /** Runs `work` on one connection of the pool; if it throws, rolls back what it began. */
  private async onConnection<T>(work: (client: PoolClient) => Promise<T>, pool = this.pool): Promise<T> {
    const client = await pool.connect();
    // Whether the connection was lost while checked out: then it is discarded, not handed to the next request.
    const connection = watchConnection(client);
    let failed: unknown;
    try {
      return await work(client);
    } catch (error) {
      failed = error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.stop();
      client.release(connection.lost() ?? (failed && isConnectionError(failed) ? (failed as Error) : undefined));
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
