import { dateRange } from '@app/common';
import { AlertSeverity, Prisma, tenantCondition, TenantScope, ThreatCaseStatus, whereOf } from '@app/database';

import type { ThreatCaseFilterDto } from './dto/list-threat-cases-query.dto';

/** The cases a read selects, whichever endpoint it came from (the list's query, seed 003's body, an export's frozen filters). */
export interface CaseCriteria {
  /** One tenant, or every tenant (an admin without a tenant filter). */
  scope: TenantScope;
  createdFrom?: Date;
  createdTo?: Date;
  deviceIds?: string[];
  locationIds?: string[];
  statuses?: ThreatCaseStatus[];
  /** Any of these controls. */
  controls?: string[];
  assignees?: string[];
  severities?: AlertSeverity[];
  /** Any of these tags. */
  anyTags?: string[];
  /** Every one of these tags. */
  allTags?: string[];
  includeDeleted: boolean;
}

/** The criteria of the list's filters: the list and an export of the same filters select by this. */
export function filterCriteria(filter: ThreatCaseFilterDto, scope: TenantScope, includeDeleted = false): CaseCriteria {
  const range = dateRange(filter);
  return {
    scope,
    createdFrom: range.gte,
    createdTo: range.lt,
    deviceIds: filter.device_id,
    locationIds: filter.location_id,
    statuses: filter.status,
    controls: filter.control,
    assignees: filter.assignee,
    severities: filter.severity,
    anyTags: filter.tag,
    allTags: filter.tags_all,
    includeDeleted,
  };
}

/**
 * The WHERE of a case query over `threat_cases c`, the one definition of the case filters (list, seed
 * 003's query, exports). Raw SQL is not covered by the tenancy extension: the tenant is applied here.
 */
export function caseWhere(criteria: CaseCriteria): Prisma.Sql {
  const { deviceIds, locationIds, statuses, controls, assignees, severities, anyTags, allTags } = criteria;
  return whereOf([
    tenantCondition(criteria.scope, Prisma.sql`c.tenant_id`),
    criteria.includeDeleted ? null : Prisma.sql`NOT c.deleted`,
    criteria.createdFrom ? Prisma.sql`c.created_at >= ${criteria.createdFrom}` : null,
    criteria.createdTo ? Prisma.sql`c.created_at < ${criteria.createdTo}` : null,
    deviceIds?.length ? Prisma.sql`(c.device_id = ANY(${deviceIds}) OR c.associated_device_ids && ${deviceIds}::varchar[])` : null,
    locationIds?.length ? Prisma.sql`c.location_id = ANY(${locationIds})` : null,
    statuses?.length ? Prisma.sql`c.status = ANY(${statuses}::threat_case_status[])` : null,
    controls?.length ? Prisma.sql`c.controls && ${controls}::text[]` : null,
    assignees?.length ? Prisma.sql`c.assignee = ANY(${assignees})` : null,
    severities?.length ? Prisma.sql`c.severity = ANY(${severities}::alert_severity[])` : null,
    // Both served by threat_cases_tags_idx (GIN over the array).
    anyTags?.length ? Prisma.sql`c.tags && ${anyTags}::text[]` : null,
    allTags?.length ? Prisma.sql`c.tags @> ${allTags}::text[]` : null,
  ]);
}
