import { Injectable } from '@nestjs/common';

import { appendAuditEvents, AuditEntry } from '@app/audit-trail';
import { appendOutboxEvents, threatCaseEvent } from '@app/events';
import {
  assertTagLimit,
  checkIfMatch,
  ifMatchAccepts,
  normaliseTags,
  parseTimestamp,
  PatchTagsDto,
  patchedTags,
  Principal,
  publicId,
  SetTagsDto,
  staleVersion,
  tagChange,
} from '@app/common';
import { CompliancePolicies } from '@app/compliance';
import { InjectScopedPrisma, Prisma, ScopedPrismaClient, ThreatCase, ThreatCaseEventType, ThreatCaseStatus } from '@app/database';

import { CloseApprovalDto, CreateVerificationDto, ThreatCaseNoteDto, TransitionThreatCaseDto, UpdateThreatCaseDto } from './dto/threat-case-actions.dto';
import { MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS } from './dto/threat-case-enums';
import {
  alertsNotLinked,
  caseAlertLimit,
  caseVerificationLimit,
  invalidCaseTransition,
  noCloseRequest,
  selfApproval,
  threatCaseNotFound,
} from './errors/threat-case-errors';
import { linkAlerts, LinkContext, requireTenantAlerts, ScopedTx, uniqueIds, unlinkAlerts } from './threat-case-alert-links';
import { canTransition } from './threat-case-state-machine';
import { CASE_INCLUDE, ThreatCaseDetail } from './threat-cases.repository';

type CaseEvent = { type: ThreatCaseEventType; message?: string | null; alertId?: string | null; fromStatus?: ThreatCaseStatus; toStatus?: ThreatCaseStatus };

/** What one change does besides bumping the version: case fields, its timeline event, its audit events. */
interface Change {
  data?: Prisma.ThreatCaseUpdateManyMutationInput;
  /** The case timeline events, in order (link changes write one per alert themselves). */
  events?: CaseEvent[];
  audit: { action: string; details: Prisma.InputJsonObject };
  /** Further audit events of the same change (one per alert linked or unlinked). */
  moreAudit?: AuditEntry[];
}

/** The answer of a transition: the case, and whether CLOSED became a request awaiting a second person. */
export interface TransitionOutcome {
  detail: ThreatCaseDetail;
  approvalPending: boolean;
}

const NO_CLOSE_REQUEST = { closeRequestedBy: null, closeRequestedAt: null, closeRequestNote: null } as const;

/** Which of these alerts are linked to the case (reads only their join rows, however many the case holds). */
async function linkedIds(tx: ScopedTx, caseId: string, alertIds: string[]): Promise<Set<string>> {
  const links = await tx.threatCaseAlert.findMany({ where: { caseId, alertId: { in: alertIds } }, select: { alertId: true } });
  return new Set(links.map((link) => link.alertId));
}

function date(value: string | undefined): Date | null {
  return value ? parseTimestamp(value) : null;
}

/** A note given with a triage change: a NOTE event after the change's own. */
function noteEvents(note: string | undefined): CaseEvent[] {
  return note ? [{ type: 'NOTE', message: note }] : [];
}

/** A tag change of a case (null when the tags stay as they are): TAGS_CHANGED naming what was added and removed. */
function tagsChange(tc: ThreatCase, tags: string[], note: string | undefined): Change | null {
  const change = tagChange(tc.tags ?? [], tags);
  if (change.added.length === 0 && change.removed.length === 0) return null;
  const message = [change.added.length ? `added: ${change.added.join(', ')}` : '', change.removed.length ? `removed: ${change.removed.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
  return {
    data: { tags },
    events: [{ type: 'TAGS_CHANGED', message: `Tags ${message}` }, ...noteEvents(note)],
    audit: { action: 'threat_case.tags', details: { ...change, note: note ?? null } },
  };
}

/**
 * Changes to threat cases: transitions (state machine), notes, verifications, alert links and soft
 * deletion. Each locks the case row, then writes the change, its timeline event(s) and its audit
 * event(s) in one transaction, and bumps the version. A deleted case answers 404 like a missing one.
 */
@Injectable()
export class ThreatCaseChangesService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly policies: CompliancePolicies,
  ) {}

  /**
   * Moves the case through the state machine. When the tenant has four eyes on, CLOSED becomes a pending
   * close request instead (answered as approvalPending; asking again while one is pending changes
   * nothing). Any other move withdraws a pending request.
   */
  async transition(id: string, dto: TransitionThreatCaseDto, principal: Principal): Promise<TransitionOutcome> {
    let approvalPending = false;
    const detail = await this.change(id, principal, async (_tx, tc, now) => {
      if (!canTransition(tc.status, dto.status)) throw invalidCaseTransition(tc.id, tc.status, dto.status);
      if (dto.status === 'CLOSED' && (await this.policies.get(tc.tenantId)).settings.fourEyesClose) {
        approvalPending = true;
        if (tc.closeRequestedBy) return null;
        return {
          data: { closeRequestedBy: principal.subject, closeRequestedAt: now, closeRequestNote: dto.note ?? null },
          events: [{ type: 'CLOSE_REQUESTED', message: dto.note ?? null }],
          audit: { action: 'threat_case.close_request', details: { status: tc.status, note: dto.note ?? null } },
        };
      }
      const firstRequest = dto.status === 'REQUESTED' && !tc.submittedAt;
      const withdrawn: CaseEvent[] = tc.closeRequestedBy
        ? [{ type: 'CLOSE_WITHDRAWN', message: `Close request of ${tc.closeRequestedBy} withdrawn: the case moved to ${dto.status}` }]
        : [];
      return {
        data: { status: dto.status, ...(firstRequest ? { submittedAt: now } : {}), ...(tc.closeRequestedBy ? NO_CLOSE_REQUEST : {}) },
        events: [...withdrawn, { type: 'STATUS_CHANGED', fromStatus: tc.status, toStatus: dto.status, message: dto.note ?? null }],
        audit: { action: 'threat_case.transition', details: { from: tc.status, to: dto.status, note: dto.note ?? null } },
      };
    });
    return { detail, approvalPending };
  }

  /**
   * Four eyes: a second person approves (the case closes) or rejects the pending close request. The
   * requester may not approve (403); the requester rejecting withdraws the request.
   */
  decideClose(id: string, dto: CloseApprovalDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (_tx, tc) => {
      if (!tc.closeRequestedBy || !tc.closeRequestedAt) throw noCloseRequest(tc.id, tc.status);
      const request = {
        requested_by: tc.closeRequestedBy,
        requested_at: tc.closeRequestedAt.toISOString(),
        request_note: tc.closeRequestNote,
        note: dto.note ?? null,
      };
      const own = tc.closeRequestedBy === principal.subject;
      if ((dto.decision ?? 'approve') === 'reject') {
        return {
          data: NO_CLOSE_REQUEST,
          events: [{ type: own ? 'CLOSE_WITHDRAWN' : 'CLOSE_REJECTED', message: dto.note ?? null }],
          audit: { action: own ? 'threat_case.close_withdraw' : 'threat_case.close_reject', details: request },
        };
      }
      if (own) throw selfApproval(tc.id, tc.closeRequestedBy);
      if (!canTransition(tc.status, 'CLOSED')) throw invalidCaseTransition(tc.id, tc.status, 'CLOSED');
      return {
        data: { status: 'CLOSED', ...NO_CLOSE_REQUEST },
        events: [
          { type: 'CLOSE_APPROVED', message: dto.note ?? null },
          { type: 'STATUS_CHANGED', fromStatus: tc.status, toStatus: 'CLOSED', message: tc.closeRequestNote },
        ],
        audit: { action: 'threat_case.close_approve', details: request },
        moreAudit: [
          {
            tenantId: tc.tenantId,
            action: 'threat_case.transition',
            resourceType: 'threat_case',
            resourceId: tc.id,
            details: { from: tc.status, to: 'CLOSED', note: tc.closeRequestNote, requested_by: tc.closeRequestedBy, approved_by: principal.subject },
          },
        ],
      };
    });
  }

  note(id: string, dto: ThreatCaseNoteDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async () => ({
      events: [{ type: 'NOTE', message: dto.message }],
      audit: { action: 'threat_case.note', details: { message: dto.message } },
    }));
  }

  /** Records a verification attempt (409 past MAX_CASE_VERIFICATIONS); its alert, when named, must be linked to the case (422). */
  verify(id: string, dto: CreateVerificationDto, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      if (dto.alert_id && !(await linkedIds(tx, tc.id, [dto.alert_id])).has(dto.alert_id)) throw alertsNotLinked([dto.alert_id]);
      if ((await tx.threatCaseVerification.count({ where: { caseId: tc.id } })) >= MAX_CASE_VERIFICATIONS) throw caseVerificationLimit(tc.id);
      const record = await tx.threatCaseVerification.create({
        data: {
          id: publicId('tcv', now.getTime()),
          tenantId: tc.tenantId,
          caseId: tc.id,
          alertId: dto.alert_id ?? null,
          clipVerificationId: dto.clip_verification_id ?? null,
          streamVerificationId: dto.stream_verification_id ?? null,
          initiatedAsClip: dto.initiated_as_clip ?? false,
          sentAsClip: dto.sent_as_clip ?? false,
          sentAsClipAt: date(dto.sent_as_clip_at),
          failedAsClip: dto.failed_as_clip ?? false,
          sentAsWindowedStream: dto.sent_as_windowed_stream ?? false,
          sentAsWindowedStreamAt: date(dto.sent_as_windowed_stream_at),
          failedAsStream: dto.failed_as_stream ?? false,
          createdAt: now,
          createdBy: principal.subject,
        },
      });
      return {
        events: [{ type: 'VERIFICATION', alertId: record.alertId, message: 'Verification recorded' }],
        audit: { action: 'threat_case.verification', details: { verification_id: record.id, alert_id: record.alertId } },
      };
    });
  }

  /** Links alerts of the case's tenant (422 naming others; 409 past MAX_CASE_ALERTS); already linked ones are left as they are. */
  link(id: string, alertIds: string[], principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      const ids = uniqueIds(alertIds);
      await requireTenantAlerts(tx, tc.tenantId, ids);
      const linked = await linkedIds(tx, tc.id, ids);
      const added = ids.filter((alertId) => !linked.has(alertId));
      if (added.length === 0) return null;
      const held = await tx.threatCaseAlert.count({ where: { caseId: tc.id } });
      if (held + added.length > MAX_CASE_ALERTS) throw caseAlertLimit(tc.id, held);
      const moreAudit = await linkAlerts(tx, this.context(tc, principal, now), added);
      return { audit: { action: 'threat_case.link_alerts', details: { alert_ids: added } }, moreAudit };
    });
  }

  /** Unlinks alerts; every id must be linked to the case (422 naming the others). */
  unlink(id: string, alertIds: string[], principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (tx, tc, now) => {
      const ids = uniqueIds(alertIds);
      const linked = await linkedIds(tx, tc.id, ids);
      const strangers = ids.filter((alertId) => !linked.has(alertId));
      if (strangers.length) throw alertsNotLinked(strangers);
      const moreAudit = await unlinkAlerts(tx, this.context(tc, principal, now), ids);
      return { audit: { action: 'threat_case.unlink_alerts', details: { alert_ids: ids } }, moreAudit };
    });
  }

  /**
   * The triage fields: assignee (null unassigns) and severity, each change an ASSIGNED or SEVERITY_CHANGED
   * event, one `threat_case.update` audit event naming both from → to. Nothing changed: nothing written.
   */
  update(id: string, dto: UpdateThreatCaseDto, ifMatch: string | undefined, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(
      id,
      principal,
      async (_tx, tc) => {
        const data: Prisma.ThreatCaseUpdateManyMutationInput = {};
        const events: CaseEvent[] = [];
        const details: Record<string, { from: string | null; to: string | null }> = {};
        if (dto.assignee !== undefined && dto.assignee !== tc.assignee) {
          data.assignee = dto.assignee;
          details.assignee = { from: tc.assignee, to: dto.assignee };
          events.push({ type: 'ASSIGNED', message: dto.assignee === null ? `Unassigned (was ${tc.assignee})` : `Assigned to ${dto.assignee}` });
        }
        if (dto.severity !== undefined && dto.severity !== tc.severity) {
          data.severity = dto.severity;
          details.severity = { from: tc.severity, to: dto.severity };
          events.push({ type: 'SEVERITY_CHANGED', message: `Severity ${tc.severity} → ${dto.severity}` });
        }
        if (events.length === 0) return null;
        return { data, events: [...events, ...noteEvents(dto.note)], audit: { action: 'threat_case.update', details: { ...details, note: dto.note ?? null } } };
      },
      ifMatch,
    );
  }

  /** Replaces the case's tags (PUT). */
  setTags(id: string, dto: SetTagsDto, ifMatch: string | undefined, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(id, principal, async (_tx, tc) => tagsChange(tc, normaliseTags(dto.tags), dto.note), ifMatch);
  }

  /** Adds and removes tags (PATCH); removing wins over adding the same tag; more than MAX_TAGS after it is 400. */
  patchTags(id: string, dto: PatchTagsDto, ifMatch: string | undefined, principal: Principal): Promise<ThreatCaseDetail> {
    return this.change(
      id,
      principal,
      async (_tx, tc) => {
        const tags = patchedTags(tc.tags ?? [], dto);
        assertTagLimit(tags);
        return tagsChange(tc, tags, dto.note);
      },
      ifMatch,
    );
  }

  /** Soft deletion: the case stays (with its timeline and audit events) but lists and reads hide it. */
  async delete(id: string, principal: Principal): Promise<void> {
    await this.change(id, principal, async (_tx, _tc, now) => ({
      data: { deleted: true, deletedAt: now, deletedBy: principal.subject },
      events: [{ type: 'DELETED', message: 'Case deleted' }],
      audit: { action: 'threat_case.delete', details: {} },
    }));
  }

  private context(tc: ThreatCase, principal: Principal, now: Date): LinkContext {
    return { caseId: tc.id, tenantId: tc.tenantId, actor: principal.subject, now };
  }

  /**
   * Locks the case row (changes to one case run one after another), reads it through the tenant scope
   * (404 for another tenant's or a deleted case), checks `ifMatch` against its version (400 malformed,
   * 412 stale), applies the change and answers the case after it.
   * `apply` answering null means there was nothing to change: nothing is written.
   */
  private async change(
    id: string,
    principal: Principal,
    apply: (tx: ScopedTx, tc: ThreatCase, now: Date) => Promise<Change | null>,
    ifMatch?: string,
  ): Promise<ThreatCaseDetail> {
    checkIfMatch(ifMatch);
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM threat_cases WHERE id = ${id} FOR UPDATE`;
      const tc = await tx.threatCase.findFirst({ where: { id, deleted: false } });
      if (!tc) throw threatCaseNotFound(id);
      if (!ifMatchAccepts(ifMatch, tc.version)) throw staleVersion(ifMatch as string, tc.version);
      const now = new Date();
      const change = await apply(tx, tc, now);
      if (!change) return;
      await tx.threatCase.updateMany({ where: { id }, data: { ...change.data, updatedAt: now, version: { increment: 1 } } });
      for (const event of change.events ?? []) {
        await tx.threatCaseEvent.create({
          data: { id: publicId('tce', now.getTime()), tenantId: tc.tenantId, caseId: id, userId: principal.subject, at: now, ...event },
        });
      }
      const after = await tx.threatCase.findFirstOrThrow({ where: { id } });
      if (after.status !== tc.status) await appendOutboxEvents(tx, [threatCaseEvent('threat_case.transitioned', after, tc.status)], now);
      const audit: AuditEntry = {
        tenantId: tc.tenantId,
        action: change.audit.action,
        resourceType: 'threat_case',
        resourceId: id,
        details: change.audit.details,
      };
      await appendAuditEvents(tx, tc.tenantId, [audit, ...(change.moreAudit ?? [])], now);
    });
    // Read after the commit: Prisma loads an include's relations in parallel, which one transaction's
    // connection can only queue (pg deprecates that).
    return this.db.threatCase.findUniqueOrThrow({ where: { id }, include: CASE_INCLUDE });
  }
}
