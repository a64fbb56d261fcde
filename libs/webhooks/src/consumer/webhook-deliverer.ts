import { Injectable, Logger } from '@nestjs/common';

import { publicId } from '@app/common';
import { AppConfig } from '@app/config';
import { PrismaService, WebhookAttemptOutcome, WebhookSubscription } from '@app/database';

import { retryDelayMs } from '../webhook-queue';
import { webhookHeaders } from '../webhook-signing';
import { WebhookMetrics } from './webhook-metrics';
import { AttemptOutcome, sendWebhook } from './webhook-sender';

/** Thrown to make Bull retry an attempt after `retryDelayMs` (the queue's WEBHOOK_BACKOFF strategy reads it). */
export class RetryDelivery extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}

function cut(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/**
 * One attempt of one delivery: signs it with the subscription's secrets (the current one, and the
 * rotated-out one within its grace period), sends it, records the attempt and decides what follows.
 * A subscription that has been failing for WEBHOOK_DISABLE_AFTER_SECONDS is disabled with the reason.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly metrics: WebhookMetrics,
  ) {}

  /** `attempt` counts from 1 within the job's attempts (`maxAttempts`); throws RetryDelivery when another attempt is due. */
  async attempt(deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const delivery = await this.prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { subscription: true } });
    if (!delivery || delivery.status !== 'pending') return; // deleted with its subscription, or already ended
    const subscription = delivery.subscription;
    if (!subscription.enabled) {
      await this.record(deliveryId, {
        status: 'failed',
        error: `Not sent: the subscription is disabled (${subscription.disabledReason ?? 'no reason given'})`,
        nextAttemptAt: null,
      });
      return;
    }
    const now = new Date();
    const secrets = [
      subscription.secret,
      ...(subscription.previousSecret && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt > now
        ? [subscription.previousSecret]
        : []),
    ];
    const outcome = await sendWebhook(subscription.url, webhookHeaders(secrets, delivery.eventId, delivery.payload, now), delivery.payload, {
      timeoutMs: this.config.webhookTimeoutSeconds * 1000,
      allowPrivate: this.config.webhookAllowPrivateTargets,
    });
    const attempts = delivery.attempts + 1;
    if (outcome.kind === 'delivered') {
      // The usual case writes the delivery and its log row; the subscription only when it was failing.
      await this.prisma.$transaction([
        this.prisma.webhookDelivery.update({
          where: { id: deliveryId },
          data: {
            status: 'succeeded',
            attempts,
            responseStatus: outcome.status,
            durationMs: outcome.durationMs,
            error: null,
            nextAttemptAt: null,
            updatedAt: new Date(),
          },
        }),
        this.logAttempt(delivery.tenantId, deliveryId, attempts, now, 'succeeded', outcome.status, outcome.durationMs, null, null),
      ]);
      this.metrics.attempted('succeeded', outcome.durationMs);
      if (subscription.failingSince)
        await this.prisma.webhookSubscription.updateMany({ where: { id: subscription.id, failingSince: { not: null } }, data: { failingSince: null } });
      return;
    }
    const last = outcome.kind === 'give-up' || attempt >= maxAttempts;
    const delay = outcome.kind === 'retry' && !last ? retryDelayMs(attempt, this.config.webhookRetryBaseMs, outcome.retryAfterMs) : null;
    const error = last && outcome.kind === 'retry' ? `${outcome.error} (attempt ${attempt} of ${maxAttempts}: no more retries)` : outcome.error;
    await this.failedAttempt(subscription, deliveryId, attempts, now, outcome, cut(error), delay);
    if (delay !== null) throw new RetryDelivery(outcome.error, delay);
  }

  private async failedAttempt(
    subscription: WebhookSubscription,
    deliveryId: string,
    attempts: number,
    attemptedAt: Date,
    outcome: Exclude<AttemptOutcome, { kind: 'delivered' }>,
    error: string,
    delay: number | null,
  ): Promise<void> {
    const now = new Date();
    const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
    const logged: WebhookAttemptOutcome = delay === null ? 'failed' : 'retrying';
    const failingSince = subscription.failingSince ?? now;
    const disable = now.getTime() - failingSince.getTime() >= this.config.webhookDisableAfterSeconds * 1000;
    const reason = `Disabled after deliveries failed since ${failingSince.toISOString()}; the last attempt: ${error}`;
    await this.prisma.$transaction([
      this.prisma.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          status: delay === null ? 'failed' : 'pending',
          attempts,
          responseStatus: outcome.status,
          durationMs: outcome.durationMs,
          error,
          nextAttemptAt,
          updatedAt: now,
        },
      }),
      this.logAttempt(subscription.tenantId, deliveryId, attempts, attemptedAt, logged, outcome.status, outcome.durationMs, error, nextAttemptAt),
      this.prisma.webhookSubscription.updateMany({
        where: { id: subscription.id },
        data: disable ? { failingSince, enabled: false, disabledReason: cut(reason), disabledAt: now } : { failingSince },
      }),
    ]);
    this.metrics.attempted(logged, outcome.durationMs);
    if (disable) {
      this.metrics.subscriptionDisabled();
      this.logger.warn(`${subscription.id}: ${reason}`);
    }
  }

  private logAttempt(
    tenantId: string,
    deliveryId: string,
    attempt: number,
    attemptedAt: Date,
    outcome: WebhookAttemptOutcome,
    responseStatus: number | null,
    durationMs: number,
    error: string | null,
    nextAttemptAt: Date | null,
  ) {
    return this.prisma.webhookDeliveryAttempt.create({
      data: {
        id: publicId('wha', attemptedAt.getTime()),
        tenantId,
        deliveryId,
        attempt,
        attemptedAt,
        outcome,
        responseStatus,
        durationMs,
        error,
        nextAttemptAt,
      },
      select: { id: true },
    });
  }

  private async record(deliveryId: string, data: { status: 'failed'; error: string; nextAttemptAt: null }): Promise<void> {
    await this.prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { ...data, updatedAt: new Date() } });
  }
}
