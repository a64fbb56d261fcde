import { Module } from '@nestjs/common';

import { AuditTrailModule } from '@app/audit-trail';
import { AuthModule } from '@app/auth';
import { CommonModule, OperationsModule, RedisService } from '@app/common';
import { ConfigModule } from '@app/config';
import { DatabaseModule, PrismaService } from '@app/database';
import { TenantsModule } from '@app/tenants';

import { AuditTrailController } from './audit-trail/audit-trail.controller';
import { ProblemsController } from './problems/problems.controller';
import { TenantsController } from './tenants/tenants.controller';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CommonModule,
    OperationsModule.register({
      inject: [PrismaService, RedisService],
      checks: (prisma: PrismaService, redis: RedisService) => [
        { name: 'database', isReady: () => prisma.isReachable() },
        { name: 'redis', isReady: () => redis.isReachable() },
      ],
    }),
    AuthModule,
    AuditTrailModule,
    TenantsModule,
  ],
  controllers: [ProblemsController, TenantsController, AuditTrailController],
})
export class AppModule {}
