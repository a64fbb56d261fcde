import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

import { MetricsService } from '@app/common';

/** Why an alert Alertmanager sent was not stored. */
export type RefusalReason = 'invalid_alert' | 'invalid_payload' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'failed';

/** The webhook's counters, in the process's registry: nothing Alertmanager sends is lost without a count. */
@Injectable()
export class IngestMetrics {
  private readonly ingested: Counter;
  private readonly refused: Counter<'reason'>;
  private readonly adjusted: Counter<'adjustment'>;

  constructor(metrics: MetricsService) {
    this.ingested = metrics.counter({
      name: 'alert_ledger_alerts_ingested_total',
      help: 'Alerts of Alertmanager webhooks taken in (created, updated, resolved or already stored as sent)',
    });
    this.refused = metrics.counter({
      name: 'alert_ledger_alerts_refused_total',
      help: 'Alerts of Alertmanager webhooks not stored, by reason',
      labelNames: ['reason'] as const,
    });
    this.adjusted = metrics.counter({
      name: 'alert_ledger_alerts_adjusted_total',
      help: 'Alerts of Alertmanager webhooks stored with fields cut to their limit (truncated) or NUL characters replaced (nul_replaced)',
      labelNames: ['adjustment'] as const,
    });
  }

  ingestedAlerts(count: number): void {
    if (count > 0) this.ingested.inc(count);
  }

  refusedAlerts(reason: RefusalReason, count: number): void {
    if (count > 0) this.refused.inc({ reason }, count);
  }

  adjustedAlerts(adjustment: 'truncated' | 'nul_replaced', count: number): void {
    if (count > 0) this.adjusted.inc({ adjustment }, count);
  }
}
