import { Injectable } from '@nestjs/common';

import { checkIfMatch, FieldViolation, Page, Paginator, parseTimestamp, Principal, publicId } from '@app/common';
import { InjectScopedPrisma, keysetReads, Prisma, requestScope, ScopedPrismaClient, tenantWhere } from '@app/database';

import { invalidField } from '../errors/threat-case-errors';
import { requireTenantAlerts, ScopedTx, uniqueIds } from '../threat-case-alert-links';
import { changeCaseWork, CaseWorkRecord, quoted, requireVersion, requireVisibleCase } from './case-work';
import { MAX_CASE_OBSERVABLES, MAX_OBSERVABLE_ALERTS, MAX_OBSERVABLE_TAGS } from './case-work-enums';
import { caseObservableLimit, observableAlertLimit, observableNotFound } from './case-work-errors';
import {
  CreateCaseObservableDto,
  ListCaseObservablesQueryDto,
  ObservableFilterDto,
  ObservableWithAlerts,
  SearchObservablesQueryDto,
  UpdateCaseObservableDto,
} from './dto/case-observable.dto';
import { normaliseObservable, observableDigest, observableSearchDigests, observableValueViolation } from './observable-values';

const SORT_FIELDS = { created_at: 'createdAt', updated_at: 'updatedAt' } as const;
const WITH_ALERTS = { alerts: { select: { alertId: true }, orderBy: [{ linkedAt: 'asc' }, { alertId: 'asc' }] } } satisfies Prisma.ThreatCaseObservableInclude;

/** An observable added, or (created false) one the case held already, seen again. */
export interface AddedObservable {
  observable: ObservableWithAlerts;
  created: boolean;
}

/** What the audit trail keeps of an observable. */
function describe(observable: ObservableWithAlerts): Prisma.InputJsonObject {
  return {
    type: observable.type,
    value: observable.value,
    tags: observable.tags,
    alert_ids: observable.alerts.map((link) => link.alertId),
    first_seen: observable.firstSeen.toISOString(),
    last_seen: observable.lastSeen.toISOString(),
  };
}

function filterWhere(filter: ObservableFilterDto): Prisma.ThreatCaseObservableWhereInput {
  return {
    ...(filter.type?.length ? { type: { in: filter.type } } : {}),
    ...(filter.value !== undefined ? { valueDigest: { in: observableSearchDigests(filter.value, filter.type) } } : {}),
    ...(filter.tag !== undefined ? { tags: { has: filter.tag } } : {}),
  };
}

function badRequest(field: string, description: string, code: FieldViolation['code'] = 'invalid'): never {
  throw invalidField({ field, pointer: `/body/${field}`, code, description });
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/**
 * A threat case's observables (TheHive): indicators such as addresses, domains and hashes with when they
 * were seen and the alerts they were seen in. One per type and value in a case: adding it again moves its
 * last_seen on and adds tags and alerts. Changes lock the case, answer 404 for a case of another tenant
 * or a deleted one, and land in the case timeline and the audit trail; If-Match applies to the
 * observable's version (412).
 */
@Injectable()
export class CaseObservablesService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
  ) {}

  async list(caseId: string, query: ListCaseObservablesQueryDto, principal: Principal): Promise<Page<ObservableWithAlerts>> {
    await requireVisibleCase(this.db, caseId);
    return this.page(query, { caseId, ...filterWhere(query) }, principal.isAdmin ? '*' : principal.tenantId);
  }

  /** Observables across the cases the principal may see (deleted cases left out), for "which cases saw this?". */
  search(query: SearchObservablesQueryDto, principal: Principal): Promise<Page<ObservableWithAlerts>> {
    const scope = requestScope(principal, query.tenant_id);
    return this.page(query, { ...tenantWhere(scope), threatCase: { deleted: false }, ...filterWhere(query) }, scope);
  }

  async get(caseId: string, observableId: string): Promise<ObservableWithAlerts> {
    await requireVisibleCase(this.db, caseId);
    const observable = await this.db.threatCaseObservable.findFirst({ where: { id: observableId, caseId }, include: WITH_ALERTS });
    if (!observable) throw observableNotFound(observableId);
    return observable;
  }

  /**
   * Adds an observable (400 for a value that is not one of its type; 409 past MAX_CASE_OBSERVABLES), or,
   * when the case holds its type and value already, sees it again: last_seen moves on (first_seen back),
   * tags and alerts are added, a description given replaces the one it had. `created` says which.
   */
  add(caseId: string, dto: CreateCaseObservableDto, principal: Principal): Promise<AddedObservable> {
    const normal = normaliseObservable(dto.type, dto.value);
    if ('error' in normal) throw invalidField(observableValueViolation(dto.type, dto.value) as FieldViolation);
    const seen = this.seenTimes(dto.first_seen, dto.last_seen);
    const alertIds = uniqueIds(dto.alert_ids ?? []);
    const digest = observableDigest(normal.value);
    return changeCaseWork<AddedObservable>(this.db, caseId, principal, async (tx, tc, now) => {
      if (alertIds.length) await requireTenantAlerts(tx, tc.tenantId, alertIds);
      const existing = await tx.threatCaseObservable.findFirst({ where: { caseId, type: dto.type, valueDigest: digest }, include: WITH_ALERTS });
      if (existing) {
        const change = await this.apply(tx, existing, principal, now, 'seen again', {
          firstSeen: seen.first && seen.first < existing.firstSeen ? seen.first : existing.firstSeen,
          lastSeen: later(existing.lastSeen, seen.last ?? now),
          tags: this.tags([...existing.tags, ...(dto.tags ?? [])]),
          description: dto.description !== undefined ? dto.description : existing.description,
          alertIds: uniqueIds([...existing.alerts.map((link) => link.alertId), ...alertIds]),
        });
        return { result: { observable: change.result, created: false }, record: change.record };
      }
      if ((await tx.threatCaseObservable.count({ where: { caseId } })) >= MAX_CASE_OBSERVABLES) throw caseObservableLimit(caseId);
      const lastSeen = seen.last ?? later(now, seen.first ?? now);
      const created = await tx.threatCaseObservable.create({
        data: {
          id: publicId('tco', now.getTime()),
          tenantId: tc.tenantId,
          caseId,
          type: dto.type,
          value: normal.value,
          valueDigest: digest,
          description: dto.description ?? null,
          tags: this.tags(dto.tags ?? []),
          firstSeen: seen.first ?? lastSeen,
          lastSeen,
          createdAt: now,
          createdBy: principal.subject,
          updatedAt: now,
          updatedBy: principal.subject,
        },
        include: WITH_ALERTS,
      });
      await this.linkAlerts(tx, created, alertIds, now);
      const after = await this.reread(tx, created.id);
      return {
        result: { observable: after, created: true },
        record: {
          event: { type: 'OBSERVABLE_ADDED', message: `Observable ${after.id} ${after.type} ${quoted(after.value)} added` },
          audit: { action: 'threat_case.observable_add', details: { observable_id: after.id, ...describe(after) } },
        },
      };
    });
  }

  /** Replaces the fields given (tags and alert_ids as wholes); type and value stay. A change that changes nothing writes nothing. */
  update(caseId: string, observableId: string, dto: UpdateCaseObservableDto, ifMatch: string | undefined, principal: Principal): Promise<ObservableWithAlerts> {
    checkIfMatch(ifMatch);
    const lastSeen = (dto.last_seen && parseTimestamp(dto.last_seen)) || undefined;
    const alertIds = dto.alert_ids ? uniqueIds(dto.alert_ids) : undefined;
    return changeCaseWork(this.db, caseId, principal, async (tx, tc, now) => {
      const before = await this.locked(tx, caseId, observableId);
      requireVersion(ifMatch, before.version);
      if (lastSeen && lastSeen < before.firstSeen) badRequest('last_seen', 'last_seen must not be before the observable’s first_seen', 'range');
      if (alertIds?.length) await requireTenantAlerts(tx, tc.tenantId, alertIds);
      return this.apply(tx, before, principal, now, 'changed', {
        firstSeen: before.firstSeen,
        lastSeen: lastSeen ?? before.lastSeen,
        tags: dto.tags ? this.tags(dto.tags) : before.tags,
        description: dto.description !== undefined ? dto.description : before.description,
        alertIds: alertIds ?? before.alerts.map((link) => link.alertId),
      });
    });
  }

  async delete(caseId: string, observableId: string, ifMatch: string | undefined, principal: Principal): Promise<void> {
    checkIfMatch(ifMatch);
    await changeCaseWork(this.db, caseId, principal, async (tx) => {
      const observable = await this.locked(tx, caseId, observableId);
      requireVersion(ifMatch, observable.version);
      await tx.threatCaseObservable.deleteMany({ where: { id: observableId } });
      return {
        result: undefined,
        record: {
          event: { type: 'OBSERVABLE_DELETED', message: `Observable ${observableId} ${observable.type} ${quoted(observable.value)} deleted` },
          audit: { action: 'threat_case.observable_delete', details: { observable_id: observableId, ...describe(observable) } },
        },
      };
    });
  }

  private page(query: ListCaseObservablesQueryDto, where: Prisma.ThreatCaseObservableWhereInput, tenant: unknown): Promise<Page<ObservableWithAlerts>> {
    const sortBy = query.sort_by ?? 'created_at';
    const field = SORT_FIELDS[sortBy];
    const delegate = {
      count: (args: { where: object }) => this.db.threatCaseObservable.count(args),
      findMany: (args: { where: object; skip?: number; take: number; orderBy: Record<string, Prisma.SortOrder>[] }) =>
        this.db.threatCaseObservable.findMany({ ...args, include: WITH_ALERTS }),
    };
    return this.paginator.paginate<ObservableWithAlerts>(query, {
      sortBy,
      scope: { resource: 'threat-case-observables', tenant, where },
      sortValue: (observable) => observable[field],
      id: (observable) => observable.id,
      ...keysetReads<ObservableWithAlerts>(delegate, where, field),
    });
  }

  /** first_seen and last_seen of a request (400 when first_seen is after last_seen). */
  private seenTimes(first: string | undefined, last: string | undefined): { first?: Date; last?: Date } {
    const seen = { first: (first && parseTimestamp(first)) || undefined, last: (last && parseTimestamp(last)) || undefined };
    if (seen.first && seen.last && seen.first > seen.last) badRequest('first_seen', 'first_seen must not be after last_seen', 'range');
    return seen;
  }

  /** Tags once each, in the order given (400 past MAX_OBSERVABLE_TAGS). */
  private tags(tags: string[]): string[] {
    const unique = [...new Set(tags)];
    if (unique.length > MAX_OBSERVABLE_TAGS) badRequest('tags', `An observable carries at most ${MAX_OBSERVABLE_TAGS} tags`, 'length');
    return unique;
  }

  /** Links alerts not linked yet (409 past MAX_OBSERVABLE_ALERTS). */
  private async linkAlerts(tx: ScopedTx, observable: ObservableWithAlerts, alertIds: string[], now: Date): Promise<void> {
    const linked = new Set(observable.alerts.map((link) => link.alertId));
    const added = alertIds.filter((id) => !linked.has(id));
    if (added.length === 0) return;
    if (linked.size + added.length > MAX_OBSERVABLE_ALERTS) throw observableAlertLimit(observable.id, linked.size);
    await tx.threatCaseObservableAlert.createMany({
      data: added.map((alertId) => ({ observableId: observable.id, alertId, tenantId: observable.tenantId, linkedAt: now })),
    });
  }

  /**
   * Brings an observable to `next` (its alerts to exactly `next.alertIds`): nothing is written when
   * nothing differs; otherwise the row (version moved on) and the links, with the record of the change.
   */
  private async apply(
    tx: ScopedTx,
    before: ObservableWithAlerts,
    principal: Principal,
    now: Date,
    how: string,
    next: { firstSeen: Date; lastSeen: Date; tags: string[]; description: string | null; alertIds: string[] },
  ): Promise<{ result: ObservableWithAlerts; record: CaseWorkRecord | null }> {
    const linked = before.alerts.map((link) => link.alertId);
    const keep = new Set(next.alertIds);
    const gone = linked.filter((id) => !keep.has(id));
    const unchanged =
      gone.length === 0 &&
      next.alertIds.length === linked.length &&
      next.firstSeen.getTime() === before.firstSeen.getTime() &&
      next.lastSeen.getTime() === before.lastSeen.getTime() &&
      next.description === before.description &&
      JSON.stringify(next.tags) === JSON.stringify(before.tags);
    if (unchanged) return { result: before, record: null };
    if (gone.length) await tx.threatCaseObservableAlert.deleteMany({ where: { observableId: before.id, alertId: { in: gone } } });
    await this.linkAlerts(tx, { ...before, alerts: before.alerts.filter((link) => keep.has(link.alertId)) }, next.alertIds, now);
    await tx.threatCaseObservable.update({
      where: { id: before.id },
      data: {
        firstSeen: next.firstSeen,
        lastSeen: next.lastSeen,
        tags: next.tags,
        description: next.description,
        updatedAt: now,
        updatedBy: principal.subject,
        version: { increment: 1 },
      },
    });
    const after = await this.reread(tx, before.id);
    return {
      result: after,
      record: {
        event: { type: 'OBSERVABLE_UPDATED', message: `Observable ${after.id} ${after.type} ${quoted(after.value)} ${how}` },
        audit: { action: 'threat_case.observable_update', details: { observable_id: after.id, from: describe(before), to: describe(after) } },
      },
    };
  }

  private reread(tx: ScopedTx, id: string): Promise<ObservableWithAlerts> {
    return tx.threatCaseObservable.findUniqueOrThrow({ where: { id }, include: WITH_ALERTS });
  }

  private async locked(tx: ScopedTx, caseId: string, observableId: string): Promise<ObservableWithAlerts> {
    const observable = await tx.threatCaseObservable.findFirst({ where: { id: observableId, caseId }, include: WITH_ALERTS });
    if (!observable) throw observableNotFound(observableId);
    return observable;
  }
}
