import { Injectable, OnModuleDestroy } from '@nestjs/common';

import { AppConfig } from '@app/config';

import { PrismaClient } from './generated/prisma/client';
import { tolerantPrismaPg } from './tolerant-dates';

/** The one Prisma client of a process, on the pg driver adapter with a bounded pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super({ adapter: tolerantPrismaPg({ connectionString: config.databaseUrl, max: config.databasePoolSize }) });
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
