import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';

import { AppConfig } from '@app/config';

import { Prisma } from './generated/prisma/client';

/**
 * Plain `pg` for the hottest reads (alert lists and details), measured at a third of the CPU per query
 * of `$queryRaw` (docs/BENCHMARKS.md). It runs SQL built with Prisma.sql, so the statements are the same;
 * rows come back under the column aliases the statement gives them. Writes stay with Prisma.
 */
@Injectable()
export class SqlReader implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
    this.pool.on('error', () => undefined); // a dropped idle connection is replaced on the next query
  }

  async rows<T>(query: Prisma.Sql): Promise<T[]> {
    return (await this.pool.query(query.text, query.values)).rows as T[];
  }

  /** Runs a query with the session time zone set (for date_trunc and generate_series in local time). */
  async rowsInTimeZone<T>(zone: string, query: Prisma.Sql): Promise<T[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query("SELECT set_config('TimeZone', $1, true)", [zone]);
      const result = await client.query(query.text, query.values);
      await client.query('COMMIT');
      return result.rows as T[];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
