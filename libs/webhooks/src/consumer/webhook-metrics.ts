import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

import { MetricsService } from '@app/common';
import type { WebhookAttemptOutcome } from '@app/database';

/** The delivery consumer's metrics, in the worker's registry: what was sent, how it ended, how long the receivers took. */
@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly durations: Histogram<'outcome'>;
  private readonly disabled: Counter;

  constructor(metrics: MetricsService) {
    this.attempts = metrics.counter({
      name: 'alert_ledger_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome: succeeded (2xx), retrying (failed, another attempt due), failed (no attempt follows)',
      labelNames: ['outcome'] as const,
    });
    this.durations = metrics.histogram({
      name: 'alert_ledger_webhook_attempt_duration_seconds',
      help: 'Time from the start of a webhook attempt to the receiver’s answer (or the error), by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.disabled = metrics.counter({
      name: 'alert_ledger_webhook_subscriptions_disabled_total',
      help: 'Webhook subscriptions disabled because their deliveries kept failing',
    });
  }

  attempted(outcome: WebhookAttemptOutcome, durationMs: number): void {
    this.attempts.inc({ outcome });
    this.durations.observe({ outcome }, durationMs / 1000);
  }

  subscriptionDisabled(): void {
    this.disabled.inc();
  }
}
