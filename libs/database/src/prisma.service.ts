import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

import { AppConfig } from '@app/config';

import { PrismaClient } from './generated/prisma/client';
import { resilientPool } from './pg-connection';

/**
 * The one Prisma client of a process, on the pg driver adapter with a bounded pool of our own
 * (`resilientPool`: a lost connection fails its request with 503 and is replaced; a connection that
 * cannot be made within CONNECT_TIMEOUT_MS fails the request instead of holding it).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    const pool = resilientPool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  /** Answers whether the database takes a query now (readiness). */
  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    // Prisma's disconnect may already have ended the pool it was given.
    if (!this.pool.ending) await this.pool.end();
  }
}
