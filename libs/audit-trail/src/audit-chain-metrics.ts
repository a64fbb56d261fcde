import { Injectable } from '@nestjs/common';

import { MetricsService } from '@app/common';

/** Which verification: a whole chain (GET /v1/audit-trail/verify) or the window of an evidence pack. */
const AUDIT_CHAIN_SCOPES = ['chain', 'window'] as const;
export type AuditChainScope = (typeof AUDIT_CHAIN_SCOPES)[number];

/** Audit-chain verifications and the ones that found the chain broken, in the process that verified. */
@Injectable()
export class AuditChainMetrics {
  private readonly verifications;
  private readonly failures;

  constructor(metrics: MetricsService) {
    this.verifications = metrics.counter({
      name: 'alert_ledger_audit_chain_verifications_total',
      help: 'Audit-chain verifications, by scope (chain: GET /v1/audit-trail/verify; window: an evidence pack’s period)',
      labelNames: ['scope'] as const,
    });
    this.failures = metrics.counter({
      name: 'alert_ledger_audit_chain_verification_failures_total',
      help: 'Audit-chain verifications that found the chain broken (a seq, link or hash that does not match), by scope',
      labelNames: ['scope'] as const,
    });
    // Every series from the start, so that an alert rule on failures has a 0 to compare with.
    for (const scope of AUDIT_CHAIN_SCOPES) {
      this.verifications.inc({ scope }, 0);
      this.failures.inc({ scope }, 0);
    }
  }

  verified(scope: AuditChainScope, valid: boolean): void {
    this.verifications.inc({ scope });
    if (!valid) this.failures.inc({ scope });
  }
}
