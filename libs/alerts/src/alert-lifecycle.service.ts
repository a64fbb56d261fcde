import { Injectable } from '@nestjs/common';

import { appendAuditEvent, appendAuditEvents } from '@app/audit-trail';
import {
  assertTagLimit,
  checkIfMatch,
  ifMatchAccepts,
  normaliseTags,
  PatchTagsDto,
  patchedTags,
  parseTimestamp,
  Principal,
  publicId,
  SetTagsDto,
  StreamedData,
  tagChange,
} from '@app/common';
import { CompliancePolicies, normaliseControls, noteRequired as needsNote, refreshCaseControlsOfAlertsSql, TenantSettings } from '@app/compliance';
import {
  Alert,
  AlertSeverity,
  AlertStatus,
  InjectScopedPrisma,
  Prisma,
  requestScope,
  ScopedPrismaClient,
  tenantKeyCondition,
  TenantScope,
} from '@app/database';
import { alertChangedEvents, appendOutboxEvents } from '@app/events';

import { ACTION_EVENT, canApply, LifecycleAction, TARGET_STATUS } from './alert-state-machine';
import { alertNotFound, invalidTransition, noteRequired, notShelvable, notShelved, shelveUntilOutOfRange, staleVersion } from './errors/alert-errors';
import { AlertsRepository } from './alerts.repository';
import {
  BulkActionDto,
  FollowUpDto,
  MAX_BULK_FILTER_ALERTS,
  MAX_SHELVE_SECONDS,
  PatchAlertControlsDto,
  SetAlertControlsDto,
  ShelveAlertDto,
} from './dto/alert-actions.dto';
import { AlertFilterDto } from './dto/alert-filter.dto';
import { BulkOutcomeDto, isShelved } from './dto/alert.dto';

const BULK_CHUNK = 500;
const OPTIMISTIC_RETRIES = 3;

interface BulkTotals {
  matched: number;
  updated: number;
  failed: number;
  /** A filter's walk stopped at MAX_BULK_FILTER_ALERTS with more to go: the last id acted on. */
  next_after: string | null;
}

interface Change {
  data: Prisma.AlertUpdateManyMutationInput;
  timeline: { action: string; fromStatus?: string; toStatus?: string; note?: string | null; details?: Prisma.InputJsonObject };
  audit: { action: string; details?: Prisma.InputJsonObject };
  /** The controls changed: the cases the alert is linked to take the new union. */
  controlsChanged?: boolean;
}

/** The fields an action sets, for one actor at one time. */
export function transitionData(action: LifecycleAction, actor: string, now: Date): Prisma.AlertUpdateManyMutationInput {
  const base = { status: TARGET_STATUS[action], updatedAt: now, version: { increment: 1 } };
  switch (action) {
    case 'acknowledge':
      return { ...base, acknowledgedAt: now, acknowledgedBy: actor };
    case 'escalate':
      return { ...base, escalatedAt: now, escalatedBy: actor };
    // A closed alert is not shelved: the shelf ends with it.
    case 'resolve':
      return { ...base, resolvedAt: now, resolvedBy: actor, shelvedUntil: null, shelvedBy: null };
    case 'dismiss':
      return { ...base, dismissedAt: now, dismissedBy: actor, shelvedUntil: null, shelvedBy: null };
    case 'reopen':
      return { ...base, resolvedAt: null, resolvedBy: null, dismissedAt: null, dismissedBy: null, endsAt: null };
  }
}

function statusesAllowing(action: LifecycleAction): AlertStatus[] {
  return (['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'] as const).filter((status) => canApply(status, action));
}

/** Whether this action on an alert of this severity lacks the note the tenant's settings require. */
function lacksNote(settings: TenantSettings, action: LifecycleAction, severity: AlertSeverity, note: string | undefined): boolean {
  return (action === 'resolve' || action === 'dismiss') && needsNote(settings, severity) && !note?.trim();
}

function controlsChange(alert: Alert, controls: string[], note: string | undefined, now: Date): Change {
  return {
    data: { controls, updatedAt: now, version: { increment: 1 } },
    timeline: { action: 'controls_updated', note, details: { from: alert.controls, to: controls } },
    audit: { action: 'alert.controls', details: { from: alert.controls, to: controls } },
    controlsChanged: true,
  };
}

/** A change of the alert's tags: the timeline entry and the audit event name the tags added and removed. */
function tagsChange(alert: Alert, tags: string[], note: string | undefined, now: Date): Change {
  const details = tagChange(alert.tags ?? [], tags);
  return {
    data: { tags, updatedAt: now, version: { increment: 1 } },
    timeline: { action: 'tags_updated', note, details },
    audit: { action: 'alert.tags', details: { ...details, note: note ?? null } },
  };
}

/**
 * A bulk chunk's alerts within the scope, locked in id order. Found by primary key: with the tenant as
 * a literal, a tenant newer than the statistics was walked instead (tenantParam).
 */
export function lockBulkChunkSql(ids: string[], scope: TenantScope): Prisma.Sql {
  return Prisma.sql`SELECT id, tenant_id, status::text AS status, severity::text AS severity FROM alerts WHERE ${bulkIdsCondition(ids, scope)} ORDER BY id FOR UPDATE`;
}

/** The alerts of these ids within the scope, read by primary key: the tenant as a parameter the planner cannot misjudge. */
function bulkIdsCondition(ids: string[], scope: TenantScope): Prisma.Sql {
  const tenant = tenantKeyCondition(scope, Prisma.sql`tenant_id`);
  return Prisma.sql`id = ANY(${ids}::text[]) ${tenant ? Prisma.sql`AND ${tenant}` : Prisma.empty}`;
}

/** Passes the outcomes through, adding each chunk to the totals (matched = updated + failed). */
async function* counted(chunks: AsyncGenerator<BulkOutcomeDto[], void, undefined>, totals: BulkTotals): AsyncGenerator<BulkOutcomeDto[], void, undefined> {
  for await (const outcomes of chunks) {
    const updated = outcomes.filter((outcome) => outcome.outcome === 'updated').length;
    totals.matched += outcomes.length;
    totals.updated += updated;
    totals.failed += outcomes.length - updated;
    yield outcomes;
  }
}

/**
 * Changes to alerts: lifecycle actions, assignee, follow-up, controls, bulk actions. Every change bumps
 * the version (ETag), writes one timeline entry and one audit event, all in one transaction.
 */
@Injectable()
export class AlertLifecycleService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly repository: AlertsRepository,
    private readonly policies: CompliancePolicies,
  ) {}

  /** A lifecycle action; resolving or dismissing at or above the tenant's note_required_from needs a note (422). */
  transition(id: string, action: LifecycleAction, note: string | undefined, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => {
      if (!canApply(alert.status, action)) throw invalidTransition(alert.id, alert.status, action);
      const { settings } = await this.policies.get(alert.tenantId);
      if (lacksNote(settings, action, alert.severity, note))
        throw noteRequired(alert.id, alert.severity, action as 'resolve' | 'dismiss', settings.noteRequiredFrom as AlertSeverity);
      const data = transitionData(action, principal.subject, now);
      if (action === 'resolve' && !alert.endsAt) data.endsAt = now;
      return {
        data,
        timeline: { action: ACTION_EVENT[action], fromStatus: alert.status, toStatus: TARGET_STATUS[action], note },
        audit: { action: `alert.${action}`, details: { from: alert.status, to: TARGET_STATUS[action], note: note ?? null } },
      };
    });
  }

  assign(id: string, assignee: string | null, note: string | undefined, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => ({
      data: { assignee, updatedAt: now, version: { increment: 1 } },
      timeline: { action: 'assigned', note, details: { from: alert.assignee, to: assignee } },
      audit: { action: 'alert.assign', details: { from: alert.assignee, to: assignee } },
    }));
  }

  /** The follow-up status; notes omitted stay as they are, null clears them. */
  followUp(id: string, dto: FollowUpDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    const notes = dto.follow_up_notes === undefined ? 'kept' : dto.follow_up_notes === null ? 'cleared' : 'set';
    return this.change(id, ifMatch, principal, async (alert, now) => ({
      // Prisma leaves a field that is undefined unchanged.
      data: { followUpStatus: dto.follow_up_status, followUpNotes: dto.follow_up_notes, updatedAt: now, version: { increment: 1 } },
      timeline: { action: 'follow_up_updated', note: dto.follow_up_notes ?? null, details: { from: alert.followUpStatus, to: dto.follow_up_status, notes } },
      audit: { action: 'alert.follow_up', details: { from: alert.followUpStatus, to: dto.follow_up_status, notes } },
    }));
  }

  /** Replaces the alert's controls (PUT). */
  setControls(id: string, dto: SetAlertControlsDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => controlsChange(alert, normaliseControls(dto.controls), dto.note, now));
  }

  /** Adds and removes controls (PATCH); removing wins over adding the same id. */
  patchControls(id: string, dto: PatchAlertControlsDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => {
      const removed = new Set(dto.remove ?? []);
      return controlsChange(alert, normaliseControls([...alert.controls, ...(dto.add ?? [])].filter((control) => !removed.has(control))), dto.note, now);
    });
  }

  /** Replaces the alert's tags (PUT). */
  setTags(id: string, dto: SetTagsDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => tagsChange(alert, normaliseTags(dto.tags), dto.note, now));
  }

  /** Adds and removes tags (PATCH); removing wins over adding the same tag; more than MAX_TAGS after it is 400. */
  patchTags(id: string, dto: PatchTagsDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => {
      const tags = patchedTags(alert.tags ?? [], dto);
      assertTagLimit(tags);
      return tagsChange(alert, tags, dto.note, now);
    });
  }

  /**
   * Shelves (snoozes) an active alert until a time (`until`, or `duration_seconds` from now, at most 90
   * days): the list leaves it out until then, or until a repeat of it arrives. Shelving a shelved alert
   * moves its end; a closed one is 409.
   */
  shelve(id: string, dto: ShelveAlertDto, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => {
      if (!['open', 'acknowledged', 'escalated'].includes(alert.status)) throw notShelvable(alert.id, alert.status);
      const until = dto.until ? (parseTimestamp(dto.until) as Date) : new Date(now.getTime() + (dto.duration_seconds as number) * 1_000);
      if (dto.until && (until.getTime() <= now.getTime() || until.getTime() - now.getTime() > MAX_SHELVE_SECONDS * 1_000))
        throw shelveUntilOutOfRange(dto.until, MAX_SHELVE_SECONDS);
      const previous = isShelved(alert, now) ? (alert.shelvedUntil as Date).toISOString() : null;
      const details = { until: until.toISOString(), previous_until: previous };
      return {
        data: { shelvedUntil: until, shelvedBy: principal.subject, updatedAt: now, version: { increment: 1 } },
        timeline: { action: 'shelved', note: dto.note, details },
        audit: { action: 'alert.shelve', details: { ...details, note: dto.note ?? null } },
      };
    });
  }

  /** Takes a shelved alert off its shelf before its time (409 when it is not shelved). */
  unshelve(id: string, note: string | undefined, ifMatch: string | undefined, principal: Principal): Promise<Alert> {
    return this.change(id, ifMatch, principal, async (alert, now) => {
      if (!isShelved(alert, now)) throw notShelved(alert.id);
      const details = { reason: 'manual', shelved_until: (alert.shelvedUntil as Date).toISOString() };
      return {
        data: { shelvedUntil: null, shelvedBy: null, updatedAt: now, version: { increment: 1 } },
        timeline: { action: 'unshelved', note, details },
        audit: { action: 'alert.unshelve', details: { ...details, note: note ?? null } },
      };
    });
  }

  /**
   * Checks the If-Match header's form (400), reads the alert (404 across tenants), checks If-Match (412),
   * applies the change only if nobody changed the alert since it was read (version in the WHERE), else
   * reads again (or 412 with If-Match).
   */
  private async change(id: string, ifMatch: string | undefined, principal: Principal, build: (alert: Alert, now: Date) => Promise<Change>): Promise<Alert> {
    checkIfMatch(ifMatch);
    for (let attempt = 1; ; attempt++) {
      const result = await this.db.$transaction(async (tx) => {
        const alert = await tx.alert.findUnique({ where: { id } });
        if (!alert) throw alertNotFound(id);
        if (!ifMatchAccepts(ifMatch, alert.version)) throw staleVersion(ifMatch as string, alert.version);
        const now = new Date();
        const change = await build(alert, now);
        const { count } = await tx.alert.updateMany({ where: { id, version: alert.version }, data: change.data });
        if (count === 0) return null;
        await tx.alertTimelineEntry.create({
          data: {
            id: publicId('atl', now.getTime()),
            tenantId: alert.tenantId,
            alertId: id,
            at: now,
            actor: principal.subject,
            ...change.timeline,
            note: change.timeline.note ?? null,
          },
        });
        // Cases before the tenant's audit lock, as case changes take them: the other order deadlocked with them.
        if (change.controlsChanged) await tx.$executeRaw(refreshCaseControlsOfAlertsSql([id]));
        const changed = await tx.alert.findUniqueOrThrow({ where: { id } });
        await appendOutboxEvents(tx, alertChangedEvents(changed, alert.status), now);
        // Last: the audit append takes the tenant's chain lock, held until the commit (docs/ARCHITECTURE.md).
        await appendAuditEvent(tx, {
          tenantId: alert.tenantId,
          action: change.audit.action,
          resourceType: 'alert',
          resourceId: id,
          details: change.audit.details,
        });
        return changed;
      });
      if (result) return result;
      if (ifMatch !== undefined || attempt >= OPTIMISTIC_RETRIES) {
        const current = await this.db.alert.findUnique({ where: { id } });
        throw current ? staleVersion(ifMatch ?? '(read version)', current.version) : alertNotFound(id);
      }
    }
  }

  /**
   * One action over listed ids or the alerts a filter matches, 500 at a time (a filter walked in id
   * order, at most MAX_BULK_FILTER_ALERTS a request, after `dto.after`), each chunk in its own transaction. The outcomes are produced a chunk at a time as they are read
   * (EnvelopeStreamer writes them as they come), so memory is bounded by a chunk however many alerts match;
   * nothing runs before the first chunk is asked for, and a reader that stops stops the walk.
   */
  bulk(action: LifecycleAction, dto: BulkActionDto, principal: Principal): StreamedData<BulkOutcomeDto> {
    const totals: BulkTotals = { matched: 0, updated: 0, failed: 0, next_after: null };
    const dryRun = dto.dry_run === true;
    const chunks = dryRun
      ? this.dryRun(dto, principal, totals)
      : counted(dto.ids ? this.idChunks(action, dto.ids, dto.note, principal) : this.filterChunks(action, dto, principal, totals), totals);
    return { head: { action, dry_run: dryRun }, field: 'outcomes', chunks, tail: () => ({ ...totals }) };
  }

  /**
   * A dry run: counts the alerts the request would walk (the ids found, or the filter's matches after
   * `after`, at most MAX_BULK_FILTER_ALERTS, with the `next_after` the request would answer) and yields no outcomes.
   */
  private async *dryRun(dto: BulkActionDto, principal: Principal, totals: BulkTotals): AsyncGenerator<BulkOutcomeDto[], void, undefined> {
    if (dto.ids) {
      totals.matched = (
        await this.db.$queryRaw<{ n: number }[]>(
          Prisma.sql`SELECT count(*)::int AS n FROM alerts WHERE ${bulkIdsCondition([...new Set(dto.ids)], requestScope(principal))}`,
        )
      )[0].n;
    } else {
      const filter = dto.filter as AlertFilterDto;
      const ids = await this.repository.idsAfter(filter, requestScope(principal, filter.tenant_id), dto.after ?? '', MAX_BULK_FILTER_ALERTS + 1);
      totals.matched = Math.min(ids.length, MAX_BULK_FILTER_ALERTS);
      if (ids.length > MAX_BULK_FILTER_ALERTS) totals.next_after = ids[MAX_BULK_FILTER_ALERTS - 1];
    }
    yield* [];
  }

  private async *idChunks(
    action: LifecycleAction,
    ids: string[],
    note: string | undefined,
    principal: Principal,
  ): AsyncGenerator<BulkOutcomeDto[], void, undefined> {
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += BULK_CHUNK) yield await this.bulkChunk(action, unique.slice(i, i + BULK_CHUNK), note, principal);
  }

  /** The filter's matches after `dto.after`, until MAX_BULK_FILTER_ALERTS were walked; then `next_after` tells where to go on, if anything is left. */
  private async *filterChunks(
    action: LifecycleAction,
    dto: BulkActionDto,
    principal: Principal,
    totals: BulkTotals,
  ): AsyncGenerator<BulkOutcomeDto[], void, undefined> {
    const filter = dto.filter as AlertFilterDto;
    const scope = requestScope(principal, filter.tenant_id);
    let after = dto.after ?? '';
    for (let walked = 0; walked < MAX_BULK_FILTER_ALERTS;) {
      const ids = await this.repository.idsAfter(filter, scope, after, Math.min(BULK_CHUNK, MAX_BULK_FILTER_ALERTS - walked));
      if (ids.length === 0) return;
      yield await this.bulkChunk(action, ids, dto.note, principal);
      walked += ids.length;
      after = ids[ids.length - 1];
    }
    if ((await this.repository.idsAfter(filter, scope, after, 1)).length) totals.next_after = after;
  }

  private bulkChunk(action: LifecycleAction, ids: string[], note: string | undefined, principal: Principal): Promise<BulkOutcomeDto[]> {
    return this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ id: string; tenant_id: string; status: AlertStatus; severity: AlertSeverity }[]>(
          lockBulkChunkSql(ids, requestScope(principal)),
        );
        const found = new Map(rows.map((row) => [row.id, row]));
        const settings = new Map<string, TenantSettings>();
        for (const tenant of new Set(rows.map((row) => row.tenant_id))) settings.set(tenant, (await this.policies.get(tenant)).settings);
        const refusal = (row: (typeof rows)[number]): BulkOutcomeDto['outcome'] | null =>
          !canApply(row.status, action)
            ? 'invalid_transition'
            : lacksNote(settings.get(row.tenant_id) as TenantSettings, action, row.severity, note)
              ? 'note_required'
              : null;
        const applicable = rows.filter((row) => refusal(row) === null);
        const now = new Date();
        if (applicable.length) {
          await tx.alert.updateMany({
            where: { id: { in: applicable.map((row) => row.id) }, status: { in: statusesAllowing(action) } },
            data: transitionData(action, principal.subject, now),
          });
          if (action === 'resolve') await tx.alert.updateMany({ where: { id: { in: applicable.map((row) => row.id) }, endsAt: null }, data: { endsAt: now } });
          await tx.alertTimelineEntry.createMany({
            data: applicable.map((row) => ({
              id: publicId('atl', now.getTime()),
              tenantId: row.tenant_id,
              alertId: row.id,
              at: now,
              actor: principal.subject,
              action: ACTION_EVENT[action],
              fromStatus: row.status,
              toStatus: TARGET_STATUS[action],
              note: note ?? null,
              details: { bulk: true },
            })),
          });
          const previous = new Map(applicable.map((row) => [row.id, row.status]));
          const updated = await tx.alert.findMany({ where: { id: { in: applicable.map((row) => row.id) } } });
          await appendOutboxEvents(
            tx,
            updated.flatMap((alert) => alertChangedEvents(alert, previous.get(alert.id) as string)),
            now,
          );
          const byTenant = new Map<string, typeof applicable>();
          for (const row of applicable) byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row]);
          // Tenants in order, as every writer takes several tenants' audit-chain locks (the shelf sweep too).
          for (const [tenant, tenantRows] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
            await appendAuditEvents(
              tx,
              tenant,
              tenantRows.map((row) => ({
                tenantId: tenant,
                action: `alert.${action}`,
                resourceType: 'alert',
                resourceId: row.id,
                details: { from: row.status, to: TARGET_STATUS[action], note: note ?? null, bulk: true },
              })),
              now,
            );
          }
        }
        return ids.map((id): BulkOutcomeDto => {
          const row = found.get(id);
          if (!row) return { id, outcome: 'not_found', status: null };
          const refused = refusal(row);
          if (refused) return { id, outcome: refused, status: row.status };
          return { id, outcome: 'updated', status: TARGET_STATUS[action] };
        });
      },
      { timeout: 60_000 },
    );
  }
}
