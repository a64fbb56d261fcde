import { Prisma } from './generated/prisma/client';

/** Whose data a query may touch: one tenant, or every tenant (admin, system work). */
export type TenantScope = { tenantId: string } | { allTenants: true };

/** The tenant column of each tenant-owned model (for Tenant itself, its id). */
const TENANT_FIELD: Record<string, string> = {
  Tenant: 'id',
  Alert: 'tenantId',
  ApiKey: 'tenantId',
  AuditEvent: 'tenantId',
  AuditTreeNode: 'tenantId',
  AuditCheckpoint: 'tenantId',
  AuditLogIncident: 'tenantId',
  AlertTimelineEntry: 'tenantId',
  AlertHourlyCount: 'tenantId',
  IdempotencyKey: 'tenantId',
  ExportJob: 'tenantId',
  ThreatCase: 'tenantId',
  ThreatCaseAlert: 'tenantId',
  ThreatCaseEvent: 'tenantId',
  ThreatCaseVerification: 'tenantId',
  ThreatCaseSirenSettings: 'tenantId',
  ThreatCaseTask: 'tenantId',
  ThreatCaseObservable: 'tenantId',
  ThreatCaseObservableAlert: 'tenantId',
  ComplianceSettings: 'tenantId',
  ControlRule: 'tenantId',
  LegalHold: 'tenantId',
  OutboxEvent: 'tenantId',
  WebhookSubscription: 'tenantId',
  WebhookDelivery: 'tenantId',
  WebhookDeliveryAttempt: 'tenantId',
  MaintenanceWindow: 'tenantId',
};

const FILTERED = new Set([
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
  'upsert',
]);
const CREATES = new Set(['create', 'createMany', 'createManyAndReturn', 'upsert']);

export class CrossTenantWriteError extends Error {
  constructor(model: string) {
    super(`refused to write ${model} of another tenant`);
  }
}

/** The scoped client used where nobody said whose data it may touch: a bug, never run unscoped. */
export class TenantScopeMissingError extends Error {
  constructor(model: string, operation: string) {
    super(`refused ${model}.${operation} through the tenant-scoped client outside a request: use PrismaService, or runInTenantScope`);
  }
}

function scopeData(model: string, field: string, tenantId: string, data: unknown): unknown {
  const rows = Array.isArray(data) ? data : [data];
  for (const row of rows as Record<string, unknown>[]) {
    if (row[field] === undefined) row[field] = tenantId;
    else if (row[field] !== tenantId) throw new CrossTenantWriteError(model);
  }
  return data;
}

function andWith(where: unknown, condition: Record<string, string>): Record<string, unknown> {
  const base = (where ?? {}) as Record<string, unknown>;
  const and = base.AND === undefined ? [] : Array.isArray(base.AND) ? base.AND : [base.AND];
  // Kept beside the caller's own fields (not replacing them): unique lookups stay unique lookups.
  return { ...base, AND: [...and, condition] };
}

/**
 * The arguments of one model operation limited to `tenantId`: reads and updates get the tenant added
 * to their where (beside the caller's conditions), creates get it set, and refuse another tenant's.
 */
export function scopeArgs(model: string, operation: string, args: unknown, tenantId: string): Record<string, unknown> {
  const field = TENANT_FIELD[model];
  const a = { ...((args ?? {}) as Record<string, unknown>) };
  if (!field) return a;
  if (FILTERED.has(operation)) a.where = andWith(a.where, { [field]: tenantId });
  if (CREATES.has(operation)) {
    const key = operation === 'upsert' ? 'create' : 'data';
    if (a[key] !== undefined) a[key] = scopeData(model, field, tenantId, a[key]);
  }
  return a;
}

/**
 * A Prisma extension that applies the tenant of `scope()` to every query and write of tenant-owned
 * models (see scopeArgs). With allTenants nothing is added: "every tenant" is always a scope someone
 * chose (an admin principal, runInTenantScope). Without a scope the query is refused
 * (TenantScopeMissingError) rather than run unscoped. Raw SQL is not covered: repositories that use it
 * add the tenant themselves (tenantCondition).
 */
export function tenancyExtension(scope: () => TenantScope | undefined) {
  return Prisma.defineExtension({
    name: 'tenancy',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          const current = scope();
          if (!TENANT_FIELD[model]) return query(args);
          if (!current) throw new TenantScopeMissingError(model, operation);
          if ('allTenants' in current) return query(args);
          return query(scopeArgs(model, operation, args, current.tenantId) as typeof args);
        },
      },
    },
  });
}
