import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';

import { DeliverWebhookPayload, WEBHOOK_JOBS, WEBHOOKS_QUEUE } from '../webhook-queue';
import { WebhookDeliverer } from './webhook-deliverer';

/** Deliveries wait on the network, not the CPU: many at once per process. */
const CONCURRENCY = 32;

/** The webhooks queue's consumer: one attempt per run; Bull retries a RetryDelivery after the delay it names. */
@Processor(WEBHOOKS_QUEUE)
export class WebhookDeliveryProcessor {
  constructor(private readonly deliverer: WebhookDeliverer) {}

  @Process({ name: WEBHOOK_JOBS.deliver, concurrency: CONCURRENCY })
  async deliver(job: Job<DeliverWebhookPayload>): Promise<void> {
    await this.deliverer.attempt(job.data.deliveryId, job.attemptsMade + 1, job.opts.attempts ?? 1);
  }
}
