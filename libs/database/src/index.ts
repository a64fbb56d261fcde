export * from './database.module';
export * from './prisma.service';
export { Prisma } from './generated/prisma/client';
export type { Alert, Tenant } from './generated/prisma/client';
export { AlertSeverity, AlertStatus, AlertableType, FollowUpStatus } from './generated/prisma/enums';
export * from './keyset';
