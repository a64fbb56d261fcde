import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { createScopedClient, SCOPED_PRISMA } from './scoped-prisma';
import { PlainSql } from './plain-sql';

@Global()
@Module({
  providers: [PrismaService, PlainSql, { provide: SCOPED_PRISMA, inject: [PrismaService], useFactory: (prisma: PrismaService) => createScopedClient(prisma) }],
  exports: [PrismaService, PlainSql, SCOPED_PRISMA],
})
export class DatabaseModule {}
