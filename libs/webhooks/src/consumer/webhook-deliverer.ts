import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { publicId } from '@app/common';
import { AppConfig } from '@app/config';
import { Prisma, PrismaService, WebhookAttemptOutcome, WebhookDelivery, WebhookSubscription } from '@app/database';
import { queueCall } from '@app/queues';

import { deliveryJobId, deliveryJobOptions, retryDelayMs, WEBHOOK_JOBS, WEBHOOKS_QUEUE } from '../webhook-queue';
import { webhookHeaders } from '../webhook-signing';
import { WebhookMetrics } from './webhook-metrics';
import { deliveryBodies } from './delivery-bodies';
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

/** A batch's requests in flight at once (the consumer runs a few batches at once). */
const BATCH_SENDS_AT_ONCE = 8;

/** At most 1,000 characters, never half a surrogate pair (the records go through jsonb, which refuses one). */
function cut(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 999).replace(/[\uD800-\uDBFF]$/, '')}…` : text;
}

/** Whether the job `jobId` carries the delivery: the one its `queued_as` names (any job, for a delivery that names none). */
function carries(delivery: Pick<WebhookDelivery, 'queuedAs'>, jobId: string | undefined): boolean {
  return jobId === undefined || delivery.queuedAs === null || delivery.queuedAs === jobId;
}

/** One attempt, decided: what it did, and what follows (a retry after `retryDelayMs`, or nothing). */
interface AttemptResult {
  deliveryId: string;
  /** The delivery's attempts, this one included. */
  attempts: number;
  attemptedAt: Date;
  outcome: WebhookAttemptOutcome;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  retryDelayMs: number | null;
  nextAttemptAt: Date | null;
  /** Ended without a request (its event is no longer kept): it says nothing of the receiver's health. */
  unsent?: boolean;
}

/**
 * The attempts of deliveries: signs each with the subscription's secrets (the current one, and the
 * rotated-out one within its grace period), sends it, records the attempt (on the delivery, and as a row
 * of its attempt log) and decides what follows. The relay's deliveries make their first attempt in
 * batches of one subscription (`firstAttempts`: one read, one transaction of records); a retry is a
 * `deliver` job of its own (`attempt`). A subscription that has been failing for
 * WEBHOOK_DISABLE_AFTER_SECONDS is disabled with the reason.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly metrics: WebhookMetrics,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
  ) {}

  /**
   * `attempt` counts from 1 within its round of `maxAttempts`; throws RetryDelivery when another attempt is due.
   * `jobId`: the queue job running it. A delivery names the one job that carries it (`queued_as`); another job
   * (one the sweep replaced, turning up late from a stalled worker) sends nothing, so no delivery goes out twice.
   */
  async attempt(deliveryId: string, attempt: number, maxAttempts: number, jobId?: string): Promise<void> {
    const delivery = await this.prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { subscription: true } });
    if (!delivery || delivery.status !== 'pending') return; // deleted with its subscription, or already ended
    if (!carries(delivery, jobId)) return;
    const subscription = delivery.subscription;
    if (!subscription.enabled) return this.endDisabled(subscription, [deliveryId]);
    const body = (await deliveryBodies(this.prisma, [delivery])).get(delivery.id) ?? null;
    const result = await this.send(subscription, delivery, body, attempt, maxAttempts);
    await this.record(subscription, [result]);
    if (result.retryDelayMs !== null) throw new RetryDelivery(result.error ?? 'retry', result.retryDelayMs);
  }

  /**
   * The first attempt of a relay batch (deliveries of one subscription), a few requests at once; one
   * transaction records them all. Each to be retried goes on as a `deliver` job after its delay. When the
   * batch job runs again (its worker died), a delivery it already attempted is not sent again, but its retry
   * job is queued again in case the worker died before queueing it (the job id makes that harmless).
   */
  async firstAttempts(deliveryIds: readonly string[], jobId?: string): Promise<void> {
    const pending = await this.prisma.webhookDelivery.findMany({
      where: { id: { in: [...deliveryIds] }, status: 'pending', attempts: { lte: 1 } },
      orderBy: { id: 'asc' },
    });
    const attempted = pending.filter((delivery) => delivery.attempts === 1 && delivery.queuedAs === deliveryJobId(delivery.id, 1));
    if (attempted.length > 0)
      await this.queueRetries(
        attempted.map((delivery) => ({ deliveryId: delivery.id, delayMs: Math.max(0, (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now()) })),
      );
    // A delivery the sweep gave to a job of its own is that job's now, not this (late) batch's.
    const deliveries = pending.filter((delivery) => delivery.attempts === 0 && carries(delivery, jobId));
    if (deliveries.length === 0) return;
    const subscription = await this.prisma.webhookSubscription.findUnique({ where: { id: deliveries[0].subscriptionId } });
    if (!subscription) return;
    if (!subscription.enabled)
      return this.endDisabled(
        subscription,
        deliveries.map((delivery) => delivery.id),
      );
    const maxAttempts = this.config.webhookMaxAttempts;
    const bodies = await deliveryBodies(this.prisma, deliveries);
    const results: AttemptResult[] = new Array<AttemptResult>(deliveries.length);
    let next = 0;
    const sender = async (): Promise<void> => {
      for (let index = next++; index < deliveries.length; index = next++) {
        const delivery = deliveries[index];
        results[index] = await this.send(subscription, delivery, bodies.get(delivery.id) ?? null, 1, maxAttempts);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_SENDS_AT_ONCE, deliveries.length) }, sender));
    const retries = results.filter((result) => result.retryDelayMs !== null);
    await this.record(subscription, results, new Map(retries.map((result) => [result.deliveryId, deliveryJobId(result.deliveryId, 1)])));
    await this.queueRetries(retries.map((result) => ({ deliveryId: result.deliveryId, delayMs: result.retryDelayMs ?? 0 })));
  }

  /** The `deliver` jobs that go on after a batch's first attempts, each after its delay. */
  private async queueRetries(retries: { deliveryId: string; delayMs: number }[]): Promise<void> {
    if (retries.length === 0) return;
    const maxAttempts = this.config.webhookMaxAttempts;
    await queueCall(this.queue, () =>
      this.queue.addBulk(
        retries.map(({ deliveryId, delayMs }) => ({
          name: WEBHOOK_JOBS.deliver,
          data: { deliveryId, priorAttempts: 1 },
          opts: deliveryJobOptions(maxAttempts - 1, deliveryJobId(deliveryId, 1), delayMs),
        })),
      ),
    ).catch((error: Error) => this.logger.warn(`${retries.length} webhook retries not queued (${error.message}); the sweep queues them`));
  }

  /**
   * Signs and sends one delivery; `attempt` of `maxAttempts` in its round decides whether a failure is retried.
   * `body` null: its event is no longer kept, and the attempt fails without a request.
   */
  private async send(
    subscription: WebhookSubscription,
    delivery: WebhookDelivery,
    body: string | null,
    attempt: number,
    maxAttempts: number,
  ): Promise<AttemptResult> {
    const attemptedAt = new Date();
    if (body === null) {
      const error = `Not sent: event ${delivery.eventId} is no longer kept (events are kept as long as their deliveries)`;
      const attempts = delivery.attempts + 1;
      return {
        deliveryId: delivery.id,
        attempts,
        attemptedAt,
        outcome: 'failed',
        responseStatus: null,
        durationMs: 0,
        error,
        retryDelayMs: null,
        nextAttemptAt: null,
        unsent: true,
      };
    }
    const secrets = [
      subscription.secret,
      ...(subscription.previousSecret && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt > attemptedAt
        ? [subscription.previousSecret]
        : []),
    ];
    // Whatever goes wrong here is this delivery's failed attempt, never the batch's.
    const outcome: AttemptOutcome = await sendWebhook(subscription.url, webhookHeaders(secrets, delivery.eventId, body, attemptedAt), body, {
      timeoutMs: this.config.webhookTimeoutSeconds * 1000,
      allowPrivate: this.config.webhookAllowPrivateTargets,
    }).catch((error: unknown) => ({
      kind: 'retry' as const,
      status: null,
      durationMs: Date.now() - attemptedAt.getTime(),
      error: error instanceof Error ? error.message : String(error),
      retryAfterMs: null,
    }));
    const common = { deliveryId: delivery.id, attempts: delivery.attempts + 1, attemptedAt, responseStatus: outcome.status, durationMs: outcome.durationMs };
    if (outcome.kind === 'delivered') return { ...common, outcome: 'succeeded', error: null, retryDelayMs: null, nextAttemptAt: null };
    const last = outcome.kind === 'give-up' || attempt >= maxAttempts;
    const delay = outcome.kind === 'retry' && !last ? retryDelayMs(attempt, this.config.webhookRetryBaseMs, outcome.retryAfterMs) : null;
    const error = cut(last && outcome.kind === 'retry' ? `${outcome.error} (attempt ${attempt} of ${maxAttempts}: no more retries)` : outcome.error);
    if (delay === null) return { ...common, outcome: 'failed', error, retryDelayMs: null, nextAttemptAt: null };
    return { ...common, outcome: 'retrying', error, retryDelayMs: delay, nextAttemptAt: new Date(Date.now() + delay) };
  }

  /**
   * One transaction: each delivery's state and its attempt log row, and the subscription's health. A
   * success clears `failing_since`; when every attempt failed it is set (if it was not) and the
   * subscription is disabled once it is WEBHOOK_DISABLE_AFTER_SECONDS old. `queuedAs`: the job a
   * delivery goes on in, when that changes.
   */
  private async record(subscription: WebhookSubscription, results: readonly AttemptResult[], queuedAs = new Map<string, string>()): Promise<void> {
    const now = new Date();
    const rows = results.map((result) => ({
      id: result.deliveryId,
      status: result.outcome === 'retrying' ? 'pending' : result.outcome,
      attempts: result.attempts,
      response_status: result.responseStatus,
      duration_ms: result.durationMs,
      error: result.error,
      next_attempt_at: result.nextAttemptAt?.toISOString() ?? null,
      queued_as: queuedAs.get(result.deliveryId) ?? null,
    }));
    const statements: Prisma.PrismaPromise<unknown>[] = [
      this.prisma.$executeRaw`
        UPDATE webhook_deliveries AS d
           SET status = v.status::webhook_delivery_status, attempts = v.attempts, response_status = v.response_status,
               duration_ms = v.duration_ms, error = v.error, next_attempt_at = v.next_attempt_at,
               queued_as = COALESCE(v.queued_as, d.queued_as), updated_at = ${now}
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, status text, attempts int, response_status int,
               duration_ms int, error text, next_attempt_at timestamptz, queued_as text)
         WHERE d.id = v.id`,
      this.prisma.webhookDeliveryAttempt.createMany({
        data: results.map((result) => ({
          id: publicId('wha', result.attemptedAt.getTime()),
          tenantId: subscription.tenantId,
          deliveryId: result.deliveryId,
          attempt: result.attempts,
          attemptedAt: result.attemptedAt,
          outcome: result.outcome,
          responseStatus: result.responseStatus,
          durationMs: result.durationMs,
          error: result.error,
          nextAttemptAt: result.nextAttemptAt,
        })),
      }),
    ];
    // Only requests made speak of the receiver's health.
    const sent = results.filter((result) => !result.unsent);
    const failures = sent.filter((result) => result.outcome !== 'succeeded');
    // The subscription's health is written from what the row holds now, not from the copy read before sending
    // (another job, or a person re-enabling it, may have changed it meanwhile).
    let disabling: Prisma.PrismaPromise<{ id: string }[]> | null = null;
    if (failures.length < sent.length) {
      if (subscription.failingSince)
        statements.push(
          this.prisma.webhookSubscription.updateMany({ where: { id: subscription.id, failingSince: { not: null } }, data: { failingSince: null } }),
        );
    } else if (failures.length > 0) {
      const last = failures[failures.length - 1];
      const disableAfter = new Date(now.getTime() - this.config.webhookDisableAfterSeconds * 1000);
      statements.push(
        this.prisma.$executeRaw`UPDATE webhook_subscriptions SET failing_since = COALESCE(failing_since, ${failures[0].attemptedAt})
                                 WHERE id = ${subscription.id} AND enabled`,
      );
      disabling = this.prisma.$queryRaw<{ id: string }[]>`
        UPDATE webhook_subscriptions
           SET enabled = false, disabled_at = ${now},
               disabled_reason = left('Disabled after deliveries failed since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                                      || '; the last attempt: ' || ${last.error ?? 'failed'}, 1000)
         WHERE id = ${subscription.id} AND enabled AND failing_since <= ${disableAfter}
        RETURNING id`;
      statements.push(disabling);
    }
    const answers = await this.prisma.$transaction(statements);
    for (const result of results) this.metrics.attempted(result.outcome, result.durationMs);
    // Counted by the job whose statement disabled it: one count however many jobs failed at once.
    if (disabling && (answers[answers.length - 1] as { id: string }[]).length > 0) {
      this.metrics.subscriptionDisabled();
      this.logger.warn(`${subscription.id}: disabled after deliveries kept failing; the last attempt: ${failures[failures.length - 1].error}`);
    }
  }

  /** Ends pending deliveries of a disabled subscription without sending them. */
  private async endDisabled(subscription: WebhookSubscription, deliveryIds: string[]): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id: { in: deliveryIds }, status: 'pending' },
      data: {
        status: 'failed',
        error: cut(`Not sent: the subscription is disabled (${subscription.disabledReason ?? 'no reason given'})`),
        nextAttemptAt: null,
        updatedAt: new Date(),
      },
    });
  }
}
