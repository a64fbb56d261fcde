import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';

import { appendAuditEvent, appendAuditEvents, canonicalJson } from '@app/audit-trail';
import { alertChangedEvents, alertCreatedEvent, appendOutboxEvents } from '@app/events';
import {
  FieldViolation,
  normaliseTags,
  Page,
  Paginator,
  Principal,
  PROBLEM_LIMITS,
  ProblemException,
  ProblemTypes,
  parseTimestamp,
  publicId,
  SortDirection,
} from '@app/common';
import { CompiledRule, CompliancePolicies, matchControls } from '@app/compliance';
import { Alert, AlertTimelineEntry, InjectScopedPrisma, Prisma, requestScope, ScopedPrismaClient, scopedTenant, SqlRun } from '@app/database';
import { ActiveWindow, activeWindows, suppressingWindow } from '@app/maintenance';

import { planRepeats, Received, receiveRepeatsSql, RepeatReceived, repeatAudit, repeatTimeline } from './alert-repeats';
import { alertNotFound } from './errors/alert-errors';
import { AlertsRepository } from './alerts.repository';
import { AlertSortKey } from './dto/alert-enums';
import { AlertFilterDto, pickAlertFilter } from './dto/alert-filter.dto';
import { CreateAlertDto } from './dto/create-alert.dto';
import { ListAlertsQueryDto } from './dto/list-alerts-query.dto';
import { toFieldViolationsOf } from './validation';
import { AlertImagesService, PreparedEvent } from './event/alert-images.service';
import { EVENT_IMAGE_SLOTS, EventImageSlot, StoredEvent, storedImageOf } from './event/stored-event';
import { AlertProblems } from './errors/alert-problems';

export interface CreatedAlert {
  alert: Alert;
  /** True when an Idempotency-Key answered an earlier request's result. */
  replayed: boolean;
  /** True when the alert repeated an active one, which took it in (duplicate_count) instead of a new alert. */
  duplicate: boolean;
}

/** One batch item that repeated an active alert (or an earlier item of the batch). */
export interface BatchDuplicate {
  index: number;
  alert_id: string;
  duplicate_count: number;
}

type ScopedTx = Parameters<Extract<Parameters<ScopedPrismaClient['$transaction']>[0], (...args: never[]) => unknown>>[0];

/** Raw SQL in a transaction (planRepeats' queries). */
function rawQuery(tx: ScopedTx) {
  return <R>(sql: Prisma.Sql): Promise<R[]> => tx.$queryRaw<R[]>(sql);
}

/** Counts the planned repeats on their alerts, with their timeline entries; answers what changed, for the audit trail. */
async function receiveRepeats(tx: ScopedTx, tenantId: string, received: Map<string, Received>, actor: string, now: Date): Promise<RepeatReceived[]> {
  if (received.size === 0) return [];
  const changes = await tx.$queryRaw<RepeatReceived[]>(receiveRepeatsSql(tenantId, received, now));
  await tx.alertTimelineEntry.createMany({ data: repeatTimeline(changes, actor, now) });
  return changes;
}

/**
 * The list's filter: shelved alerts are left out unless the query asks for them (`shelved`) or names
 * statuses (a shelved alert keeps its status, which finds it).
 */
function listFilter(query: AlertFilterDto): AlertFilterDto {
  const filter = pickAlertFilter(query);
  if (filter.shelved === undefined && !filter.status?.length) filter.shelved = 'false';
  return filter;
}

/**
 * The new alert's row; its controls are the tenant's rules' plus those the request names, its maintenance
 * window the first of the tenant's active `windows` whose selector matches it (null: not suppressed).
 */
function alertData(
  dto: CreateAlertDto,
  tenantId: string,
  now: Date,
  rules: readonly CompiledRule[],
  windows: readonly ActiveWindow[],
  event: StoredEvent | null,
): Prisma.AlertUncheckedCreateInput {
  return {
    id: publicId('alr', now.getTime()),
    maintenanceWindowId: suppressingWindow(windows, { source: dto.source, labels: dto.labels ?? {}, systemKey: dto.system_key ?? null }),
    tenantId,
    type: dto.type,
    source: dto.source,
    title: dto.title,
    message: dto.message ?? null,
    severity: dto.severity,
    alertableType: dto.alertable_type ?? 'manual',
    alertableId: dto.alertable_id ?? null,
    alertRuleId: dto.alert_rule?.id ?? null,
    alertRuleName: dto.alert_rule?.name ?? null,
    alertRuleDescription: dto.alert_rule?.description ?? null,
    alertRuleActive: dto.alert_rule?.active ?? null,
    alertRuleAnalyticId: dto.alert_rule?.analytic_id ?? null,
    systemKey: dto.system_key ?? null,
    alertname: dto.alertname ?? null,
    fingerprint: dto.fingerprint ?? null,
    labels: dto.labels ?? {},
    annotations: dto.annotations ?? {},
    receiver: dto.receiver ?? null,
    streamId: dto.stream_id ?? null,
    siteId: dto.site_id ?? null,
    instance: dto.instance ?? '',
    assignee: dto.assignee ?? null,
    startsAt: (dto.starts_at && parseTimestamp(dto.starts_at)) || now,
    createdAt: now,
    updatedAt: now,
    controls: matchControls(rules, { type: dto.type, source: dto.source, labels: dto.labels ?? {} }, dto.controls ?? []),
    tags: normaliseTags(dto.tags ?? []),
    ...(event ? { event: event as unknown as Prisma.InputJsonObject } : {}),
  };
}

/** The first timeline entry; a suppressed alert's names the maintenance window that suppressed it. */
function createdTimeline(
  alert: { id: string; tenantId: string; maintenanceWindowId?: string | null },
  actor: string,
  now: Date,
): Prisma.AlertTimelineEntryUncheckedCreateInput {
  return {
    id: publicId('atl', now.getTime()),
    tenantId: alert.tenantId,
    alertId: alert.id,
    at: now,
    actor,
    action: 'created',
    toStatus: 'open',
    ...(alert.maintenanceWindowId ? { details: { maintenance_window_id: alert.maintenanceWindowId } } : {}),
  };
}

/** What an alert.create audit event adds for a suppressed alert: the window's id. */
function suppression(maintenanceWindowId: string | null | undefined): { maintenance_window_id?: string } {
  return maintenanceWindowId ? { maintenance_window_id: maintenanceWindowId } : {};
}

/** The tenant's maintenance windows active at `now`, read in the transaction `tx` (one query for the request). */
function windowsOf(tx: { $queryRaw<T>(query: Prisma.Sql): Prisma.PrismaPromise<T> }, tenantId: string, now: Date): Promise<ActiveWindow[]> {
  const run: SqlRun = <R>(query: Prisma.Sql) => tx.$queryRaw<R[]>(query);
  return activeWindows(run, tenantId, now);
}

/** What the audit trail records of an event: its id and the digests of its stored images (never the bytes). */
function eventAudit(event: StoredEvent | null): Record<string, unknown> {
  if (!event) return {};
  const images = EVENT_IMAGE_SLOTS.flatMap((slot) => {
    const image = storedImageOf(event, slot);
    return image ? [{ slot, sha256: image.sha256, content_type: image.content_type, size: image.size }] : [];
  });
  return { event_id: event.id, ...(images.length ? { event_images: images } : {}) };
}

/** The most entries one timeline answer holds: the oldest ones; the audit trail keeps every change. */
export const TIMELINE_MAX_ENTRIES = 10_000;

/** Reading and creating alerts. Lifecycle changes live in AlertLifecycleService. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly repository: AlertsRepository,
    private readonly paginator: Paginator,
    private readonly policies: CompliancePolicies,
    private readonly images: AlertImagesService,
  ) {}

  list(query: Omit<ListAlertsQueryDto, 'sort_by'> & { sort_by?: AlertSortKey }, principal: Principal): Promise<Page<Alert>> {
    const sortBy = query.sort_by ?? 'created_at';
    const scope = requestScope(principal, query.tenant_id);
    const filter = listFilter(query);
    // The count, the estimate and the page read the filter as its SQL needs it, prepared once for them all.
    let prepared: Promise<AlertFilterDto> | undefined;
    const ready = (): Promise<AlertFilterDto> => (prepared ??= this.repository.prepare(filter, scope));
    const request = async (direction: SortDirection, take: number) => ({ filter: await ready(), scope, sortBy, direction, take });
    return this.paginator.paginate<Alert>(query, {
      sortBy,
      scope: { resource: 'alerts', tenantId: scopedTenant(scope) ?? '*', filter },
      sortValue: (alert) => this.repository.sortValue(sortBy, alert),
      id: (alert) => alert.id,
      count: async () => this.repository.count(await ready(), scope),
      estimate: {
        rows: async () => this.repository.estimateCount(await ready(), scope),
        countUpTo: async (limit) => this.repository.countUpTo(await ready(), scope, limit),
      },
      readOffset: async (skip, take, direction) => this.repository.readOffset(await request(direction, take), skip),
      readKeyset: async (after, take, direction) => this.repository.readKeyset(await request(direction, take), after),
    });
  }

  /** One alert the principal may see (another tenant's answers 404). */
  async get(id: string, principal: Principal): Promise<Alert> {
    const alert = await this.repository.findById(id, requestScope(principal));
    if (!alert) throw alertNotFound(id);
    return alert;
  }

  /** The newest alert raised by an entity (seed 000's detail by alertable). */
  async getByAlertable(alertableType: Alert['alertableType'], alertableId: string): Promise<Alert> {
    const alert = await this.db.alert.findFirst({ where: { alertableType, alertableId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    if (!alert) throw new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'alert', id: `${alertableType}/${alertableId}` } });
    return alert;
  }

  /**
   * Creates an alert with its first timeline entry and audit event, in one transaction. With an
   * Idempotency-Key, the same key and body answer the first alert; the same key with another body is 422.
   */
  async create(dto: CreateAlertDto, principal: Principal, idempotencyKey?: string): Promise<CreatedAlert> {
    const requestHash = createHash('sha256').update(canonicalJson(dto)).digest('hex');
    const replay = async (): Promise<CreatedAlert | null> => {
      if (!idempotencyKey) return null;
      const previous = await this.db.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId: principal.tenantId, key: idempotencyKey } } });
      if (!previous) return null;
      if (previous.requestHash !== requestHash) throw new ProblemException(AlertProblems.idempotencyKeyReused, { args: { key: idempotencyKey } });
      return { alert: await this.get(previous.resourceId, principal), replayed: true, duplicate: false };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    // Images are checked before anything is written, and stored before the transaction (content-addressed: harmless if it fails).
    const prepared = dto.event ? this.images.prepareOrThrow(dto.event) : null;
    const { rules } = await this.policies.get(principal.tenantId);
    const event = prepared ? await this.images.store(principal.tenantId, prepared) : null;
    try {
      const received = await this.db.$transaction(async (tx) => {
        const now = new Date();
        const windows = await windowsOf(tx, principal.tenantId, now);
        const data = alertData(dto, principal.tenantId, now, rules, windows, event);
        const repeated = (await planRepeats(rawQuery(tx), principal.tenantId, [data])).repeatOf.get(0);
        if (repeated) {
          const changes = await receiveRepeats(
            tx,
            principal.tenantId,
            new Map([[repeated, { n: 1, wake: data.maintenanceWindowId == null }]]),
            principal.subject,
            now,
          );
          const alert = await tx.alert.findUniqueOrThrow({ where: { id: repeated } });
          if (idempotencyKey)
            await tx.idempotencyKey.create({ data: { tenantId: principal.tenantId, key: idempotencyKey, requestHash, resourceId: alert.id } });
          await appendOutboxEvents(tx, alertChangedEvents(alert, alert.status), now);
          await appendAuditEvents(tx, principal.tenantId, repeatAudit(changes), now);
          return { alert, duplicate: true };
        }
        const created = await tx.alert.create({ data });
        await tx.alertTimelineEntry.create({ data: createdTimeline(created, principal.subject, now) });
        if (idempotencyKey)
          await tx.idempotencyKey.create({ data: { tenantId: principal.tenantId, key: idempotencyKey, requestHash, resourceId: created.id } });
        await appendOutboxEvents(tx, [alertCreatedEvent(created)], now);
        // Last: the audit append takes the tenant's chain lock, held until the commit.
        await appendAuditEvent(tx, {
          tenantId: created.tenantId,
          action: 'alert.create',
          resourceType: 'alert',
          resourceId: created.id,
          details: {
            severity: created.severity,
            type: created.type,
            title: created.title,
            controls: created.controls,
            ...suppression(created.maintenanceWindowId),
            ...eventAudit(event),
          },
        });
        return { alert: created, duplicate: false };
      });
      return { ...received, replayed: false };
    } catch (error) {
      // Two requests with the same key at once: the loser answers the winner's result.
      const raced = (error as { code?: string }).code === 'P2002' ? await replay() : null;
      if (raced) return raced;
      throw error;
    }
  }

  /**
   * The items of a batch (1 to MAX_BATCH, checked by CreateAlertBatchDto): each validated alone, an item that
   * is not an object included; the valid ones are stored together, the rest reported by index.
   */
  async createBatch(
    items: unknown[],
    principal: Principal,
  ): Promise<{ created: Alert[]; createdIndexes: number[]; duplicates: BatchDuplicate[]; errors: { index: number; errors: FieldViolation[] }[] }> {
    const valid: { index: number; dto: CreateAlertDto; prepared: PreparedEvent | null }[] = [];
    const errors: { index: number; errors: FieldViolation[] }[] = [];
    items.forEach((item, index) => {
      const [field, pointer] = [`alerts[${index}]`, `/body/alerts/${index}`];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        errors.push({
          index,
          errors: [{ field, pointer, code: item === null ? 'required' : 'type', description: `${field} must be an alert object`, value: item }],
        });
        return;
      }
      const dto = plainToInstance(CreateAlertDto, item);
      const violations = toFieldViolationsOf(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }), field, pointer);
      // At most as many violations an item as a problem lists (PROBLEM_LIMITS.errors), the first found.
      if (violations.length) {
        errors.push({ index, errors: violations.slice(0, PROBLEM_LIMITS.errors) });
        return;
      }
      const prepared = dto.event ? this.images.prepare(dto.event, `${field}.event`, `${pointer}/event`) : null;
      if (Array.isArray(prepared)) errors.push({ index, errors: prepared });
      else valid.push({ index, dto, prepared });
    });
    const { rules } = await this.policies.get(principal.tenantId);
    const tenantId = principal.tenantId;
    if (valid.length === 0) return { created: [], createdIndexes: [], duplicates: [], errors };
    // Stored before the transaction, as for one alert: an image no committed row references is harmless.
    const events: (StoredEvent | null)[] = [];
    for (const { prepared } of valid) events.push(prepared ? await this.images.store(tenantId, prepared) : null);
    return this.db.$transaction(async (tx) => {
      const now = new Date();
      const windows = await windowsOf(tx, tenantId, now);
      const plan = await planRepeats(
        rawQuery(tx),
        tenantId,
        valid.map(({ dto }, i) => alertData(dto, tenantId, now, rules, windows, events[i])),
      );
      const rows = plan.fresh.map(({ row }) => row);
      if (rows.length) {
        await tx.alert.createMany({ data: rows });
        await tx.alertTimelineEntry.createMany({
          data: rows.map((row) => createdTimeline({ id: row.id as string, tenantId, maintenanceWindowId: row.maintenanceWindowId }, principal.subject, now)),
        });
      }
      const changes = await receiveRepeats(tx, tenantId, plan.received, principal.subject, now);
      const freshIds = new Set(rows.map((row) => row.id as string));
      const stored = await tx.alert.findMany({ where: { id: { in: [...new Set([...freshIds, ...plan.received.keys()])] } } });
      await appendOutboxEvents(
        tx,
        stored.flatMap((alert) => (freshIds.has(alert.id) ? [alertCreatedEvent(alert)] : alertChangedEvents(alert, alert.status))),
        now,
      );
      // Last: the audit append takes the tenant's chain lock, held until the commit.
      await appendAuditEvents(
        tx,
        tenantId,
        [
          ...plan.fresh.map(({ index, row }) => ({
            tenantId,
            action: 'alert.create',
            resourceType: 'alert',
            resourceId: row.id as string,
            details: {
              severity: row.severity,
              type: row.type,
              title: row.title,
              controls: row.controls as string[],
              batch: true,
              ...suppression(row.maintenanceWindowId),
              ...eventAudit(events[index]),
            },
          })),
          ...repeatAudit(changes),
        ],
        now,
      );
      const counts = new Map(stored.map((alert) => [alert.id, alert.duplicateCount]));
      // Ids are monotonic ULIDs made in item order, so id order is the order of the fresh items.
      return {
        created: stored.filter((alert) => freshIds.has(alert.id)).sort((a, b) => (a.id < b.id ? -1 : 1)),
        createdIndexes: plan.fresh.map(({ index }) => valid[index].index),
        duplicates: [...plan.repeatOf].map(([index, id]) => ({ index: valid[index].index, alert_id: id, duplicate_count: counts.get(id) ?? 0 })),
        errors,
      };
    });
  }

  /** An alert's stored event image (primary or secondary) and its bytes; 404 for another tenant's alert, or no stored image there. */
  async image(id: string, slot: EventImageSlot, principal: Principal): Promise<Awaited<ReturnType<AlertImagesService['open']>>> {
    const alert = await this.get(id, principal);
    return this.images.open(alert.id, alert.event, slot);
  }

  /** The alert's timeline, oldest first: its first TIMELINE_MAX_ENTRIES entries (docs/API-DECISIONS.md). */
  async timeline(id: string, principal: Principal): Promise<AlertTimelineEntry[]> {
    await this.get(id, principal);
    return this.db.alertTimelineEntry.findMany({ where: { alertId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: TIMELINE_MAX_ENTRIES });
  }
}
