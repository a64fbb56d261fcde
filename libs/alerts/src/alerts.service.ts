import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';

import { appendAuditEvent, appendAuditEvents, canonicalJson } from '@app/audit-trail';
import { alertCreatedEvent, appendOutboxEvents } from '@app/events';
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
} from '@app/common';
import { CompiledRule, CompliancePolicies, matchControls } from '@app/compliance';
import { Alert, AlertTimelineEntry, InjectScopedPrisma, Prisma, requestScope, ScopedPrismaClient, scopedTenant } from '@app/database';

import { alertNotFound } from './errors/alert-errors';
import { AlertsRepository } from './alerts.repository';
import { AlertSortKey } from './dto/alert-enums';
import { pickAlertFilter } from './dto/alert-filter.dto';
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
}

/** The tenant a principal's alert query runs in: its own, or for admin the filter's (null: all). */
/** The new alert's row; its controls are the tenant's rules' plus those the request names. */
function alertData(
  dto: CreateAlertDto,
  tenantId: string,
  now: Date,
  rules: readonly CompiledRule[],
  event: StoredEvent | null,
): Prisma.AlertUncheckedCreateInput {
  return {
    id: publicId('alr', now.getTime()),
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

/** What the audit trail records of an event: its id and the digests of its stored images (never the bytes). */
function eventAudit(event: StoredEvent | null): Record<string, unknown> {
  if (!event) return {};
  const images = EVENT_IMAGE_SLOTS.flatMap((slot) => {
    const image = storedImageOf(event, slot);
    return image ? [{ slot, sha256: image.sha256, content_type: image.content_type, size: image.size }] : [];
  });
  return { event_id: event.id, ...(images.length ? { event_images: images } : {}) };
}

function createdTimeline(alert: { id: string; tenantId: string }, actor: string, now: Date): Prisma.AlertTimelineEntryUncheckedCreateInput {
  return { id: publicId('atl', now.getTime()), tenantId: alert.tenantId, alertId: alert.id, at: now, actor, action: 'created', toStatus: 'open' };
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
    const filter = pickAlertFilter(query);
    const request = { filter, scope, sortBy, direction: query.sort_direction ?? 'desc', take: 0 } as const;
    return this.paginator.paginate<Alert>(query, {
      sortBy,
      scope: { resource: 'alerts', tenantId: scopedTenant(scope) ?? '*', filter },
      sortValue: (alert) => this.repository.sortValue(sortBy, alert),
      id: (alert) => alert.id,
      count: () => this.repository.count(filter, scope),
      estimate: { rows: () => this.repository.estimateCount(filter, scope), countUpTo: (limit) => this.repository.countUpTo(filter, scope, limit) },
      readOffset: (skip, take, direction) => this.repository.readOffset({ ...request, direction, take }, skip),
      readKeyset: (after, take, direction) => this.repository.readKeyset({ ...request, direction, take }, after),
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
      return { alert: await this.get(previous.resourceId, principal), replayed: true };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    // Images are checked before anything is written, and stored before the transaction (content-addressed: harmless if it fails).
    const prepared = dto.event ? this.images.prepareOrThrow(dto.event) : null;
    const { rules } = await this.policies.get(principal.tenantId);
    const event = prepared ? await this.images.store(principal.tenantId, prepared) : null;
    try {
      const alert = await this.db.$transaction(async (tx) => {
        const now = new Date();
        const created = await tx.alert.create({ data: alertData(dto, principal.tenantId, now, rules, event) });
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
          details: { severity: created.severity, type: created.type, title: created.title, controls: created.controls, ...eventAudit(event) },
        });
        return created;
      });
      return { alert, replayed: false };
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
  ): Promise<{ created: Alert[]; createdIndexes: number[]; errors: { index: number; errors: FieldViolation[] }[] }> {
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
    // Stored before the transaction, as for one alert: an image no committed row references is harmless.
    const events: (StoredEvent | null)[] = [];
    for (const { prepared } of valid) events.push(prepared ? await this.images.store(principal.tenantId, prepared) : null);
    const created = valid.length
      ? await this.db.$transaction(async (tx) => {
          const now = new Date();
          const rows = valid.map(({ dto }, i) => alertData(dto, principal.tenantId, now, rules, events[i]));
          await tx.alert.createMany({ data: rows });
          await tx.alertTimelineEntry.createMany({
            data: rows.map((row) => createdTimeline({ id: row.id as string, tenantId: principal.tenantId }, principal.subject, now)),
          });
          const stored = await tx.alert.findMany({ where: { id: { in: rows.map((row) => row.id as string) } } });
          await appendOutboxEvents(tx, stored.map(alertCreatedEvent), now);
          // Last: the audit append takes the tenant's chain lock, held until the commit.
          await appendAuditEvents(
            tx,
            principal.tenantId,
            rows.map((row, i) => ({
              tenantId: principal.tenantId,
              action: 'alert.create',
              resourceType: 'alert',
              resourceId: row.id as string,
              details: { severity: row.severity, type: row.type, title: row.title, controls: row.controls as string[], batch: true, ...eventAudit(events[i]) },
            })),
          );
          return stored;
        })
      : [];
    // Ids are monotonic ULIDs made in item order, so id order is the order of `valid`.
    const ordered = [...created].sort((a, b) => (a.id < b.id ? -1 : 1));
    return { created: ordered, createdIndexes: valid.map((v) => v.index), errors };
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
