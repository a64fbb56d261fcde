import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';

import { AppConfig } from '@app/config';

import { PrismaClient } from './generated/prisma/client';
import { CONNECT_TIMEOUT_MS } from './pg-connection';

/**
 * The one Prisma client of a process, on the pg driver adapter with a bounded pool. The adapter listens
 * for errors of idle and transaction connections itself (a lost one is dropped and replaced); a
 * connection that cannot be made within CONNECT_TIMEOUT_MS fails the request (503) instead of hanging it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: config.databasePoolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) });
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
  }
}
