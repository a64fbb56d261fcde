import { Injectable } from '@nestjs/common';

import { appendAuditEvent } from '@app/audit-trail';
import { Page, Paginator, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { AppConfig } from '@app/config';
import { InjectScopedPrisma, keysetReads, Prisma, ScopedPrismaClient, WebhookSubscription } from '@app/database';
import { EVENT_READ_SCOPE, EventType } from '@app/events';

import { CreateWebhookDto, EventFilterDto, ListWebhooksQueryDto, UpdateWebhookDto } from './dto/webhook-subscription.dto';
import { newWebhookSecret } from './webhook-signing';
import { webhookUrlProblem } from './webhook-targets';

export function webhookNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'webhook', id } });
}

/** A subscription only carries event types its creator may read: a webhook is a standing read. */
function requireReadScopes(principal: Principal, types: readonly EventType[]): void {
  if (principal.isAdmin) return;
  const missing = types.map((type) => EVENT_READ_SCOPE[type]).find((scope) => !principal.scopes.has(scope));
  if (missing) throw new ProblemException(ProblemTypes.missingScope, { args: { scope: missing } });
}

function filterJson(filter: EventFilterDto | undefined): Prisma.InputJsonObject {
  const json: Record<string, string[] | string> = {};
  for (const key of ['severity', 'source', 'control'] as const) {
    const values = filter?.[key];
    if (values?.length) json[key] = [...new Set(values)];
  }
  if (filter?.suppressed) json.suppressed = filter.suppressed;
  return json;
}

/** What the audit trail keeps of a subscription (never its secret). */
function describe(subscription: WebhookSubscription): Prisma.InputJsonObject {
  return { url: subscription.url, event_types: subscription.eventTypes, filter: subscription.filter as Prisma.InputJsonObject, enabled: subscription.enabled };
}

/** The tenant's webhook subscriptions: list, read, create, change, delete, rotate the secret; each change audited. */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
    private readonly config: AppConfig,
  ) {}

  list(query: ListWebhooksQueryDto, principal: Principal): Promise<Page<WebhookSubscription>> {
    const where: Prisma.WebhookSubscriptionWhereInput = query.enabled !== undefined ? { enabled: query.enabled } : {};
    return this.paginator.paginate<WebhookSubscription>(query, {
      sortBy: 'created_at',
      scope: { resource: 'webhooks', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (subscription) => subscription.createdAt,
      id: (subscription) => subscription.id,
      ...keysetReads<WebhookSubscription>(this.db.webhookSubscription, where, 'createdAt'),
    });
  }

  async get(id: string): Promise<WebhookSubscription> {
    const subscription = await this.db.webhookSubscription.findFirst({ where: { id } });
    if (!subscription) throw webhookNotFound(id);
    return subscription;
  }

  async create(dto: CreateWebhookDto, principal: Principal): Promise<WebhookSubscription> {
    this.checkUrl(dto.url);
    requireReadScopes(principal, dto.event_types);
    const now = new Date();
    const tenantId = principal.tenantId;
    return this.db.$transaction(async (tx) => {
      const created = await tx.webhookSubscription.create({
        data: {
          id: publicId('whk', now.getTime()),
          tenantId,
          url: dto.url,
          description: dto.description ?? null,
          eventTypes: [...new Set(dto.event_types)],
          filter: filterJson(dto.filter),
          secret: newWebhookSecret(),
          createdAt: now,
          createdBy: principal.subject,
          updatedAt: now,
        },
      });
      await appendAuditEvent(tx, { tenantId, action: 'webhook.create', resourceType: 'webhook', resourceId: created.id, details: describe(created) }, now);
      return created;
    });
  }

  async update(id: string, dto: UpdateWebhookDto, principal: Principal): Promise<WebhookSubscription> {
    if (dto.url !== undefined) this.checkUrl(dto.url);
    if (dto.event_types) requireReadScopes(principal, dto.event_types);
    return this.change(id, 'webhook.update', (before) => ({
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.event_types ? { eventTypes: [...new Set(dto.event_types)] } : {}),
      ...(dto.filter ? { filter: filterJson(dto.filter) } : {}),
      // Enabling again starts afresh: the reason goes, and a day of failures is counted anew.
      ...(dto.enabled === true && !before.enabled ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null } : {}),
      ...(dto.enabled === false && before.enabled ? { enabled: false, disabledReason: `Disabled by ${principal.subject}`, disabledAt: new Date() } : {}),
    }));
  }

  /** A new secret, answered once; the previous one keeps signing (a second signature) for WEBHOOK_SECRET_GRACE_SECONDS. */
  rotateSecret(id: string): Promise<WebhookSubscription> {
    const graceEnds = new Date(Date.now() + this.config.webhookSecretGraceSeconds * 1000);
    return this.change(id, 'webhook.rotate_secret', (before) => ({
      secret: newWebhookSecret(),
      previousSecret: before.secret,
      previousSecretExpiresAt: graceEnds,
    }));
  }

  async delete(id: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const found = await tx.webhookSubscription.findFirst({ where: { id } });
      if (!found) throw webhookNotFound(id);
      await tx.webhookSubscription.deleteMany({ where: { id } });
      await appendAuditEvent(tx, { tenantId: found.tenantId, action: 'webhook.delete', resourceType: 'webhook', resourceId: id, details: describe(found) });
    });
  }

  private change(id: string, action: string, data: (before: WebhookSubscription) => Prisma.WebhookSubscriptionUpdateInput): Promise<WebhookSubscription> {
    const now = new Date();
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM webhook_subscriptions WHERE id = ${id} FOR UPDATE`;
      const before = await tx.webhookSubscription.findFirst({ where: { id } });
      if (!before) throw webhookNotFound(id);
      const updated = await tx.webhookSubscription.update({ where: { id }, data: { ...data(before), updatedAt: now, version: { increment: 1 } } });
      await appendAuditEvent(
        tx,
        { tenantId: before.tenantId, action, resourceType: 'webhook', resourceId: id, details: { from: describe(before), to: describe(updated) } },
        now,
      );
      return updated;
    });
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, { allowHttp: this.config.webhookAllowHttp, allowPrivate: this.config.webhookAllowPrivateTargets });
    if (problem)
      throw new ProblemException(ProblemTypes.validationError, { errors: [{ field: 'url', pointer: '/body/url', code: 'format', description: problem }] });
  }
}
