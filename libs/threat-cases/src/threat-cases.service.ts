import { Injectable } from '@nestjs/common';

import { appendAuditEvents } from '@app/audit-trail';
import { normaliseTags, Page, Paginator, Principal, publicId } from '@app/common';
import { InjectScopedPrisma, requestScope, ScopedPrismaClient } from '@app/database';
import { appendOutboxEvents, threatCaseEvent } from '@app/events';

import { CreateThreatCaseDto } from './dto/create-threat-case.dto';
import { ListThreatCasesQueryDto } from './dto/list-threat-cases-query.dto';
import { assertMaySeeDeleted, threatCaseNotFound } from './errors/threat-case-errors';
import { linkAlerts, requireTenantAlerts, uniqueIds } from './threat-case-alert-links';
import { filterCriteria } from './threat-case-where';
import { CASE_INCLUDE, ThreatCaseDetail, ThreatCasesRepository } from './threat-cases.repository';

/** Reading threat cases and opening them from alerts. Changes live in ThreatCaseChangesService. */
@Injectable()
export class ThreatCasesService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly repository: ThreatCasesRepository,
    private readonly paginator: Paginator,
  ) {}

  list(query: ListThreatCasesQueryDto, principal: Principal): Promise<Page<ThreatCaseDetail>> {
    assertMaySeeDeleted(principal, query.include_deleted);
    const sortBy = query.sort_by ?? 'created_at';
    const criteria = filterCriteria(query, requestScope(principal, query.tenant_id), query.include_deleted ?? false);
    const request = { criteria, sortBy, take: 0 } as const;
    return this.paginator.paginate<ThreatCaseDetail>(query, {
      sortBy,
      scope: { resource: 'threat-cases', criteria },
      sortValue: (row) => this.repository.sortValue(sortBy, row),
      id: (row) => row.id,
      count: () => this.repository.count(criteria),
      readOffset: (skip, take, direction) => this.repository.readOffset({ ...request, direction, take }, skip),
      readKeyset: (after, take, direction) => this.repository.readKeyset({ ...request, direction, take }, after),
    });
  }

  /** One case the principal may see: another tenant's, and a deleted one unless admin asks, answer 404. */
  async get(id: string, principal: Principal, includeDeleted = false): Promise<ThreatCaseDetail> {
    assertMaySeeDeleted(principal, includeDeleted);
    const found = await this.repository.find(id, requestScope(principal), includeDeleted);
    if (!found) throw threatCaseNotFound(id);
    return found;
  }

  /**
   * Opens a case (INITIATED) from alerts of the caller's tenant (422 naming any other id). The case, its
   * links, both timelines and the audit events are written in one transaction.
   */
  async create(dto: CreateThreatCaseDto, principal: Principal): Promise<ThreatCaseDetail> {
    const alertIds = uniqueIds(dto.alert_ids);
    const { tenantId, subject: actor } = principal;
    const caseId = await this.db.$transaction(async (tx) => {
      const highest = await requireTenantAlerts(tx, tenantId, alertIds);
      const now = new Date();
      const triage = { assignee: dto.assignee ?? null, severity: dto.severity ?? highest, tags: normaliseTags(dto.tags ?? []) };
      const id = publicId('tc', now.getTime());
      await tx.threatCase.create({
        data: {
          id,
          tenantId,
          title: dto.title ?? null,
          promptTheme: dto.prompt_theme ?? 'THREAT',
          deviceId: dto.device_id ?? null,
          associatedDeviceIds: dto.associated_device_ids ?? [],
          locationId: dto.location_id ?? null,
          locationName: dto.location_name ?? null,
          subLocationsHierarchyKey: dto.sub_locations_hierarchy_key ?? null,
          ...triage,
          createdAt: now,
          createdBy: actor,
          updatedAt: now,
        },
      });
      const siren = dto.siren_settings;
      if (siren) {
        await tx.threatCaseSirenSettings.create({
          data: { caseId: id, tenantId, clipId: siren.clip_id ?? null, durationSeconds: siren.duration_seconds ?? null, playCount: siren.play_count ?? null },
        });
      }
      await tx.threatCaseEvent.create({
        data: {
          id: publicId('tce', now.getTime()),
          tenantId,
          caseId: id,
          type: 'CREATED',
          toStatus: 'INITIATED',
          message: dto.note ?? null,
          userId: actor,
          at: now,
        },
      });
      const alertAudit = await linkAlerts(tx, { caseId: id, tenantId, actor, now }, alertIds);
      await appendOutboxEvents(tx, [threatCaseEvent('threat_case.created', await tx.threatCase.findFirstOrThrow({ where: { id } }))], now);
      await appendAuditEvents(
        tx,
        tenantId,
        [
          {
            tenantId,
            action: 'threat_case.create',
            resourceType: 'threat_case',
            resourceId: id,
            details: { status: 'INITIATED', alert_ids: alertIds, ...triage },
          },
          ...alertAudit,
        ],
        now,
      );
      return id;
    });
    // Read after the commit (see ThreatCaseChangesService.change).
    return this.db.threatCase.findUniqueOrThrow({ where: { id: caseId }, include: CASE_INCLUDE });
  }
}
