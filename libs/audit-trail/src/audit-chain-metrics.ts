import { Injectable } from '@nestjs/common';

import { MetricsService } from '@app/common';

/** Which verification: a whole chain (GET /v1/audit-trail/verify) or the window of an evidence pack. */
export type AuditChainScope = 'chain' | 'window';

/** Audit-chain verifications and the ones that found the chain broken, in the process that verified. */
@Injectable()
export class AuditChainMetrics {
  private readonly verifications;
  private readonly failures;

  constructor(metrics: MetricsService) {
    this.verifications = metrics.counter({ name: 'alert_ledger_audit_chain_verifications_total', help: 'Audit-chain verifications, by scope (chain: GET /v1/audit-trail/verify; window: an evidence pack’s period)', labelNames: ['scope'] as const });
    this.failures = metrics.counter({ name: 'alert_ledger_audit_chain_verification_failures_total', help: 'Audit-chain verifications that found the chain broken (a seq, link or hash that does not match), by scope', labelNames: ['scope'] as const });
  }

  verified(scope: AuditChainScope, valid: boolean): void {
    this.verifications.inc({ scope });
    if (!valid) this.failures.inc({ scope });
  }
}
