import { OperationsOptions, RedisService } from '@app/common';

import { PrismaService } from './prisma.service';

/** /health/ready of a process that needs PostgreSQL and Redis (the api and the worker). */
export const DATABASE_AND_REDIS_READINESS: OperationsOptions = {
  inject: [PrismaService, RedisService],
  checks: (prisma: PrismaService, redis: RedisService) => [
    { name: 'database', isReady: () => prisma.isReachable() },
    { name: 'redis', isReady: () => redis.isReachable() },
  ],
};
