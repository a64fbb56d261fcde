import { Injectable } from '@nestjs/common';

import { appendAuditEvents, AuditEntry } from '@app/audit-trail';
import { Principal, publicId } from '@app/common';
import { InjectScopedPrisma, Prisma, ScopedPrismaClient, ThreatCase, ThreatCaseEventType, ThreatCaseStatus } from '@app/database';

import { CreateVerificationDto, ThreatCaseNoteDto, TransitionThreatCaseDto } from './dto/threat-case-actions.dto';
import { alertsNotLinked, invalidCaseTransition, threatCaseNotFound } from './errors/threat-case-errors';
import { linkAlerts, LinkContext, requireTenantAlerts, ScopedTx, uniqueIds, unlinkAlerts } from './threat-case-alert-links';
import { canTransition } from './threat-case-state-machine';
import { CASE_INCLUDE, ThreatCaseDetail } from './threat-cases.repository';

/** What one change does besides bumping the version: case fields, its timeline event, its audit events. */
interface Change {
  data?: Prisma.ThreatCaseUpdateManyMutationInput;
  /** The case timeline event (link changes write one per alert themselves). */
  event?: { type: ThreatCaseEventType; message?: string | null; alertId?: string | null; fromStatus?: ThreatCaseStatus; toStatus?: ThreatCaseStatus };
  audit: { action: string; details: Prisma.InputJsonObject };
  /** Further audit events of the same change (one per alert linked or unlinked). */
  moreAudit?: AuditEntry[];
}

async function linkedIds(tx: ScopedTx, caseId: string): Promise<Set<string>> {
  const links = await tx.threatCaseAlert.findMany({ where: { caseId }, select: { alertId: true } });
  return new Set(links.map((link) => link.alertId));
}

function date(value: string | undefined): Date | null {
  return value ? new Date(value) : null;
}

/**
 * Changes to threat cases: transitions (state machine), notes, verifications, alert links and soft
 * deletion. Each locks the case row, then writes the change, its timeline event(s) and its audit
 * event(s) in one transaction, and bumps the version. A deleted case answers 404 like a missing one.
 */
@Injectable()
export class ThreatCaseChangesService {
  constructor(@InjectScopedPrisma() private readonly db: ScopedPrismaClient) {}

  transition(id: string, dto: TransitionThreatCaseDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (_tx, tc, now) => {
      if (!canTransition(tc.status, dto.status)) throw invalidCaseTransition(tc.id, tc.status, dto.status);
      const firstRequest = dto.status === 'REQUESTED' && !tc.submittedAt;
      return {
        data: { status: dto.status, ...(firstRequest ? { submittedAt: now } : {}) },
        event: { type: 'STATUS_CHANGED', fromStatus: tc.status, toStatus: dto.status, message: dto.note ?? null },
        audit: { action: 'threat_case.transition', details: { from: tc.status, to: dto.status, note: dto.note ?? null } },
      };
    });
  }

  note(id: string, dto: ThreatCaseNoteDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async () => ({
      event: { type: 'NOTE', message: dto.message },
      audit: { action: 'threat_case.note', details: { message: dto.message } },
    }));
  }

  /** Records a verification attempt; its alert, when named, must be linked to the case (422). */
  verify(id: string, dto: CreateVerificationDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      if (dto.alert_id && !(await linkedIds(tx, tc.id)).has(dto.alert_id)) throw alertsNotLinked([dto.alert_id]);
      const record = await tx.threatCaseVerification.create({
        data: {
          id: publicId('tcv', now.getTime()), tenantId: tc.tenantId, caseId: tc.id, alertId: dto.alert_id ?? null,
          clipVerificationId: dto.clip_verification_id ?? null, streamVerificationId: dto.stream_verification_id ?? null,
          initiatedAsClip: dto.initiated_as_clip ?? false, sentAsClip: dto.sent_as_clip ?? false, sentAsClipAt: date(dto.sent_as_clip_at),
          failedAsClip: dto.failed_as_clip ?? false, sentAsWindowedStream: dto.sent_as_windowed_stream ?? false,
          sentAsWindowedStreamAt: date(dto.sent_as_windowed_stream_at), failedAsStream: dto.failed_as_stream ?? false,
          createdAt: now, createdBy: principal.subject,
        },
      });
      return {
        event: { type: 'VERIFICATION', alertId: record.alertId, message: 'Verification recorded' },
        audit: { action: 'threat_case.verification', details: { verification_id: record.id, alert_id: record.alertId } },
      };
    });
  }

  /** Links alerts of the case's tenant (422 naming others); already linked ones are left as they are. */
  link(id: string, alertIds: string[], principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      const ids = uniqueIds(alertIds);
      await requireTenantAlerts(tx, tc.tenantId, ids);
      const linked = await linkedIds(tx, tc.id);
      const added = ids.filter((alertId) => !linked.has(alertId));
      if (added.length === 0) return null;
      const moreAudit = await linkAlerts(tx, this.context(tc, principal, now), added);
      return { audit: { action: 'threat_case.link_alerts', details: { alert_ids: added } }, moreAudit };
    });
  }

  /** Unlinks alerts; every id must be linked to the case (422 naming the others). */
  unlink(id: string, alertIds: string[], principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      const ids = uniqueIds(alertIds);
      const linked = await linkedIds(tx, tc.id);
      const strangers = ids.filter((alertId) => !linked.has(alertId));
      if (strangers.length) throw alertsNotLinked(strangers);
      const moreAudit = await unlinkAlerts(tx, this.context(tc, principal, now), ids);
      return { audit: { action: 'threat_case.unlink_alerts', details: { alert_ids: ids } }, moreAudit };
    });
  }

  /** Soft deletion: the case stays (with its timeline and audit events) but lists and reads hide it. */
  async delete(id: string, principal: Principal): Promise<void> {
    await this.change(id, principal, async (_tx, _tc, now) => ({
      data: { deleted: true, deletedAt: now, deletedBy: principal.subject },
      event: { type: 'DELETED', message: 'Case deleted' },
      audit: { action: 'threat_case.delete', details: {} },
    }));
  }

  private context(tc: ThreatCase, principal: Principal, now: Date): LinkContext {
    return { caseId: tc.id, tenantId: tc.tenantId, actor: principal.subject, now };
  }

  /**
   * Locks the case row (changes to one case run one after another), reads it through the tenant scope
   * (404 for another tenant's or a deleted case), applies the change and answers the case after it.
   * `apply` answering null means there was nothing to change: nothing is written.
   */
  private async change(id: string, principal: Principal, apply: (tx: ScopedTx, tc: ThreatCase, now: Date) => Promise<Change | null>): Promise<ThreatCaseDetail> {
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM threat_cases WHERE id = ${id} FOR UPDATE`;
      const tc = await tx.threatCase.findFirst({ where: { id, deleted: false } });
      if (!tc) throw threatCaseNotFound(id);
      const now = new Date();
      const change = await apply(tx, tc, now);
      if (!change) return;
      await tx.threatCase.updateMany({ where: { id }, data: { ...change.data, updatedAt: now, version: { increment: 1 } } });
      if (change.event) {
        await tx.threatCaseEvent.create({ data: { id: publicId('tce', now.getTime()), tenantId: tc.tenantId, caseId: id, userId: principal.subject, at: now, ...change.event } });
      }
      const audit: AuditEntry = { tenantId: tc.tenantId, action: change.audit.action, resourceType: 'threat_case', resourceId: id, details: change.audit.details };
      await appendAuditEvents(tx, tc.tenantId, [audit, ...(change.moreAudit ?? [])], now);
    });
    // Read after the commit: Prisma loads an include's relations in parallel, which one transaction's
    // connection can only queue (pg deprecates that).
    return this.db.threatCase.findUniqueOrThrow({ where: { id }, include: CASE_INCLUDE });
  }
}
