import { dateRange } from '@app/common';
import { Prisma, tenantCondition, TenantScope, whereOf } from '@app/database';

import type { AuditTrailFilterDto } from './dto/list-audit-trail-query.dto';

/** Every column of `audit_events e` under Prisma's field names, so raw rows are `AuditEvent`s. */
export const AUDIT_EVENT_COLUMNS = Prisma.sql`e.id, e.tenant_id AS "tenantId", e.seq, e.at, e.actor, e.actor_type AS "actorType", e.action,
  e.resource_type AS "resourceType", e.resource_id AS "resourceId", e.outcome, e.ip, e.user_agent AS "userAgent", e.request_id AS "requestId",
  e.trace_id AS "traceId", e.details, e.prev_hash AS "prevHash", e.hash`;

/**
 * The WHERE of an audit trail query over `audit_events e`, the one definition of its filters (the list
 * and exports) within `scope`; raw SQL is not covered by the tenancy extension, so this is where the
 * tenant is applied.
 */
export function auditTrailWhere(filter: AuditTrailFilterDto, scope: TenantScope): Prisma.Sql {
  const range = dateRange(filter);
  return whereOf([
    tenantCondition(scope, Prisma.sql`e.tenant_id`),
    filter.actor ? Prisma.sql`e.actor = ${filter.actor}` : null,
    filter.action?.length ? Prisma.sql`e.action = ANY(${filter.action})` : null,
    filter.resource_type ? Prisma.sql`e.resource_type = ${filter.resource_type}` : null,
    filter.resource_id ? Prisma.sql`e.resource_id = ${filter.resource_id}` : null,
    filter.outcome ? Prisma.sql`e.outcome = ${filter.outcome}` : null,
    range.gte ? Prisma.sql`e.at >= ${range.gte}` : null,
    range.lt ? Prisma.sql`e.at < ${range.lt}` : null,
  ]);
}
