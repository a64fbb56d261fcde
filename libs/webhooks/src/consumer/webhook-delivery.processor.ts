import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';

import { DeliverWebhookBatchPayload, DeliverWebhookPayload, WEBHOOK_JOBS, WEBHOOKS_QUEUE } from '../webhook-queue';
import { WebhookDeliverer } from './webhook-deliverer';

/** Deliveries wait on the network, not the CPU: many at once per process. */
const CONCURRENCY = 32;
/** Relay batches at once, each with a few requests in flight (WebhookDeliverer). */
const BATCH_CONCURRENCY = 4;

/** The webhooks queue's consumer: a relay batch's first attempts, or one attempt of one delivery (Bull retries a RetryDelivery after the delay it names). */
@Processor(WEBHOOKS_QUEUE)
export class WebhookDeliveryProcessor {
  constructor(private readonly deliverer: WebhookDeliverer) {}

  @Process({ name: WEBHOOK_JOBS.deliver, concurrency: CONCURRENCY })
  async deliver(job: Job<DeliverWebhookPayload>): Promise<void> {
    const prior = job.data.priorAttempts ?? 0;
    await this.deliverer.attempt(job.data.deliveryId, prior + job.attemptsMade + 1, prior + (job.opts.attempts ?? 1), String(job.id));
  }

  @Process({ name: WEBHOOK_JOBS.deliverBatch, concurrency: BATCH_CONCURRENCY })
  async deliverBatch(job: Job<DeliverWebhookBatchPayload>): Promise<void> {
    await this.deliverer.firstAttempts(job.data.deliveryIds, String(job.id));
  }
}
