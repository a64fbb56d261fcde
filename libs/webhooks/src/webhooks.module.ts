import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';

import { AuditTrailModule } from '@app/audit-trail';
import { AppConfig } from '@app/config';
import { queueMetricsProvider, QueuesModule } from '@app/queues';

import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { retryDelayMs, WEBHOOK_BACKOFF, WEBHOOKS_QUEUE } from './webhook-queue';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

/**
 * The delay a failed attempt chose (Retry-After, or exponential with jitter), carried by its error; an error
 * of our own (the database or Redis down while recording) waits as a failed attempt would, not at once,
 * so an outage does not burn a delivery's attempts in a burst.
 */
export function chosenDelay(baseMs: number): (attemptsMade: number, error: Error & { retryDelayMs?: number }) => number {
  return (attemptsMade, error) => error.retryDelayMs ?? retryDelayMs(Math.max(1, attemptsMade), baseMs, null);
}

/**
 * Subscriptions, deliveries and the webhooks queue, for both sides: the api changes subscriptions and
 * queues pings and resends; WebhooksConsumerModule relays the outbox and delivers. The queue's lock
 * settings (how soon a delivery of a killed worker is taken over) and its backoff strategy are shared.
 */
@Module({
  imports: [
    QueuesModule,
    AuditTrailModule,
    BullModule.registerQueueAsync({
      name: WEBHOOKS_QUEUE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        settings: {
          lockDuration: config.webhookStalledSeconds * 1000,
          stalledInterval: config.webhookStalledSeconds * 1000,
          maxStalledCount: 2,
          backoffStrategies: { [WEBHOOK_BACKOFF]: chosenDelay(config.webhookRetryBaseMs) },
        },
      }),
    }),
  ],
  providers: [queueMetricsProvider(WEBHOOKS_QUEUE), WebhookSubscriptionsService, WebhookDeliveriesService],
  exports: [BullModule, WebhookSubscriptionsService, WebhookDeliveriesService],
})
export class WebhooksModule {}
