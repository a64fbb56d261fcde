import { Module } from '@nestjs/common';

import { LiveEventPublisher } from '@app/events';

import { WebhooksModule } from '../webhooks.module';
import { OutboxRelay } from './outbox-relay';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookMetrics } from './webhook-metrics';

/**
 * The outbox relay and the delivery consumer. apps/worker imports it; the api too with
 * EXPORTS_IN_PROCESS (one process for small setups), hence a library module.
 */
@Module({
  imports: [WebhooksModule],
  providers: [OutboxRelay, WebhookDeliverer, WebhookDeliveryProcessor, WebhookMetrics, LiveEventPublisher],
})
export class WebhooksConsumerModule {}
