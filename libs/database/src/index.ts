export * from './database.module';
export * from './prisma.service';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Alert, AlertTimelineEntry, ApiKey, AuditEvent, IdempotencyKey, Tenant } from './generated/prisma/client';
export { AlertSeverity, AlertStatus, AlertableType, FollowUpStatus } from './generated/prisma/enums';
export * from './keyset';
export * from './tenancy';
export * from './scoped-prisma';
export * from './readiness';
