import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { createScopedClient, SCOPED_PRISMA } from './scoped-prisma';
import { SqlReader } from './sql-reader';

@Global()
@Module({
  providers: [PrismaService, SqlReader, { provide: SCOPED_PRISMA, inject: [PrismaService], useFactory: (prisma: PrismaService) => createScopedClient(prisma) }],
  exports: [PrismaService, SqlReader, SCOPED_PRISMA],
})
export class DatabaseModule {}
