export * from './database.module';
export * from './prisma.service';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type {
  Alert,
  AlertTimelineEntry,
  ApiKey,
  AuditEvent,
  AuditCheckpoint,
  AuditLogIncident,
  ComplianceSettings,
  ControlRule,
  ExportJob,
  IdempotencyKey,
  LegalHold,
  MaintenanceWindow,
  Tenant,
  ThreatCase,
  ThreatCaseAlert,
  ThreatCaseEvent,
  ThreatCaseSirenSettings,
  ThreatCaseVerification,
  ThreatCaseTask,
  ThreatCaseObservable,
  OutboxEvent,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookSubscription,
} from './generated/prisma/client';
export {
  AlertSeverity,
  AlertStatus,
  AlertableType,
  ExportFormat,
  FollowUpStatus,
  LegalHoldScope,
  ObservableType,
  ThreatCaseEventType,
  ThreatCaseStatus,
  ThreatCaseTaskStatus,
  WebhookAttemptOutcome,
  WebhookDeliveryStatus,
} from './generated/prisma/enums';
export * from './keyset';
export * from './tenancy';
export * from './scoped-prisma';
export * from './plain-sql';
export * from './read-replica';
export * from './pg-types';
export * from './tolerant-dates';
export * from './json-rows';
export * from './pg-connection';
export * from './tenant-param';
export * from './tenant-scope';
export * from './monthly-partitions';
