import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';

import { Page, Paginator, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { AppConfig } from '@app/config';
import { InjectScopedPrisma, keysetReads, Prisma, ScopedPrismaClient, WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from '@app/database';
import { eventPayload, PING_EVENT_TYPE } from '@app/events';
import { assertQueueConnected, queueCall } from '@app/queues';

import { ListWebhookDeliveriesQueryDto, ListWebhookDeliveryAttemptsQueryDto } from './dto/webhook-delivery.dto';
import { WebhookProblems } from './errors/webhook-problems';
import { deliveryJobId, deliveryJobOptions, WEBHOOK_JOBS, WEBHOOKS_QUEUE } from './webhook-queue';
import { webhookNotFound } from './webhook-subscriptions.service';

function deliveryNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'webhook delivery', id } });
}

/** The deliveries of a subscription (its attempts), a resend of one, and the test ping. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly paginator: Paginator,
    private readonly config: AppConfig,
  ) {}

  async list(webhookId: string, query: ListWebhookDeliveriesQueryDto, principal: Principal): Promise<Page<WebhookDelivery>> {
    await this.subscription(webhookId);
    const where: Prisma.WebhookDeliveryWhereInput = { subscriptionId: webhookId, ...(query.status ? { status: query.status } : {}) };
    return this.paginator.paginate<WebhookDelivery>(query, {
      sortBy: 'created_at',
      scope: { resource: 'webhook-deliveries', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (delivery) => delivery.createdAt,
      id: (delivery) => delivery.id,
      ...keysetReads<WebhookDelivery>(this.db.webhookDelivery, where, 'createdAt'),
    });
  }

  async get(webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.subscription(webhookId);
    const delivery = await this.db.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId: webhookId } });
    if (!delivery) throw deliveryNotFound(deliveryId);
    return delivery;
  }

  /** The attempt log of one delivery, newest first by default. */
  async attempts(
    webhookId: string,
    deliveryId: string,
    query: ListWebhookDeliveryAttemptsQueryDto,
    principal: Principal,
  ): Promise<Page<WebhookDeliveryAttempt>> {
    await this.get(webhookId, deliveryId);
    const where: Prisma.WebhookDeliveryAttemptWhereInput = { deliveryId };
    return this.paginator.paginate<WebhookDeliveryAttempt>(query, {
      sortBy: 'attempted_at',
      scope: { resource: 'webhook-delivery-attempts', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (attempt) => attempt.attemptedAt,
      id: (attempt) => attempt.id,
      ...keysetReads<WebhookDeliveryAttempt>(this.db.webhookDeliveryAttempt, where, 'attemptedAt'),
    });
  }

  /** Sends a delivery that has ended (succeeded or failed) once more, with a fresh round of attempts. */
  async retry(webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
    const subscription = await this.subscription(webhookId);
    requireEnabled(subscription);
    assertQueueConnected(this.queue);
    const now = new Date();
    const delivery = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM webhook_deliveries WHERE id = ${deliveryId} FOR UPDATE`;
      const found = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId: webhookId } });
      if (!found) throw deliveryNotFound(deliveryId);
      if (found.status === 'pending')
        throw new ProblemException(WebhookProblems.webhookDeliveryPending, {
          args: { id: deliveryId },
          extensions: { next_attempt_at: found.nextAttemptAt?.toISOString() ?? null },
        });
      // Its body is the outbox event's: a resend of an event no longer kept could only fail.
      if (found.payload === null && (await tx.outboxEvent.count({ where: { id: found.eventId } })) === 0)
        throw new ProblemException(WebhookProblems.webhookEventGone, { args: { id: deliveryId, event_id: found.eventId } });
      const queuedAs = deliveryJobId(deliveryId, found.attempts);
      return tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'pending', nextAttemptAt: now, error: null, queuedAs, roundFrom: found.attempts, updatedAt: now },
      });
    });
    await this.enqueue(delivery);
    return delivery;
  }

  /** A `webhook.ping` event to this subscription alone (never stored as an outbox event), delivered like any other. */
  async test(webhookId: string): Promise<WebhookDelivery> {
    const subscription = await this.subscription(webhookId);
    requireEnabled(subscription);
    assertQueueConnected(this.queue);
    const now = new Date();
    const eventId = publicId('evt', now.getTime());
    const deliveryId = publicId('whd', now.getTime());
    const delivery = await this.db.webhookDelivery.create({
      data: {
        id: deliveryId,
        tenantId: subscription.tenantId,
        subscriptionId: subscription.id,
        eventId,
        eventType: PING_EVENT_TYPE,
        payload: eventPayload(PING_EVENT_TYPE, now, { webhook_id: subscription.id, tenant_id: subscription.tenantId }),
        nextAttemptAt: now,
        queuedAs: deliveryJobId(deliveryId, 0),
        createdAt: now,
        updatedAt: now,
      },
    });
    await this.enqueue(delivery);
    return delivery;
  }

  private async subscription(id: string): Promise<WebhookSubscription> {
    const subscription = await this.db.webhookSubscription.findFirst({ where: { id } });
    if (!subscription) throw webhookNotFound(id);
    return subscription;
  }

  /** A fresh round of attempts, as the job the delivery names. */
  private async enqueue(delivery: WebhookDelivery): Promise<void> {
    const jobId = delivery.queuedAs ?? delivery.id;
    await queueCall(this.queue, () =>
      this.queue.add(WEBHOOK_JOBS.deliver, { deliveryId: delivery.id }, deliveryJobOptions(this.config.webhookMaxAttempts, jobId)),
    );
  }
}

function requireEnabled(subscription: WebhookSubscription): void {
  if (!subscription.enabled) {
    throw new ProblemException(WebhookProblems.webhookDisabled, {
      args: { id: subscription.id },
      extensions: { disabled_reason: subscription.disabledReason },
    });
  }
}
