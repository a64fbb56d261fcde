import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { createScopedClient, SCOPED_PRISMA } from './scoped-prisma';

@Global()
@Module({
  providers: [PrismaService, { provide: SCOPED_PRISMA, inject: [PrismaService], useFactory: (prisma: PrismaService) => createScopedClient(prisma) }],
  exports: [PrismaService, SCOPED_PRISMA],
})
export class DatabaseModule {}
