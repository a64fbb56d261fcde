import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { createScopedClient, SCOPED_PRISMA } from './scoped-prisma';
import { PlainSql } from './plain-sql';
import { ReadReplica } from './read-replica';

@Global()
@Module({
  providers: [
    PrismaService,
    ReadReplica,
    PlainSql,
    { provide: SCOPED_PRISMA, inject: [PrismaService], useFactory: (prisma: PrismaService) => createScopedClient(prisma) },
  ],
  exports: [PrismaService, ReadReplica, PlainSql, SCOPED_PRISMA],
})
export class DatabaseModule {}
