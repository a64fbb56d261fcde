import { Injectable } from '@nestjs/common';

import { MetricsService } from '@app/common';

import { LOG_CHECK_REASONS, LogCheckReason } from './tlog/audit-log-check.service';

/** Which verification: a whole chain (GET /v1/audit-trail/verify), the window of an evidence pack, or a tenant's log against its checkpoints (the worker). */
const AUDIT_CHAIN_SCOPES = ['chain', 'window', 'log'] as const;
export type AuditChainScope = (typeof AUDIT_CHAIN_SCOPES)[number];

/** Audit-chain verifications and the ones that found the chain broken, in the process that verified. */
@Injectable()
export class AuditChainMetrics {
  private readonly verifications;
  private readonly failures;
  private readonly incidents;

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
    this.incidents = metrics.counter({
      name: 'alert_ledger_audit_log_incidents_total',
      help: 'Audit logs found not to match their signed checkpoints, once per incident (each raised one critical alert in its tenant), by reason',
      labelNames: ['reason'] as const,
    });
    for (const reason of LOG_CHECK_REASONS) this.incidents.inc({ reason }, 0);
    // Every series from the start, so that an alert rule on failures has a 0 to compare with.
    for (const scope of AUDIT_CHAIN_SCOPES) {
      this.verifications.inc({ scope }, 0);
      this.failures.inc({ scope }, 0);
    }
  }

  incident(reason: LogCheckReason): void {
    this.incidents.inc({ reason });
  }

  verified(scope: AuditChainScope, valid: boolean): void {
    this.verifications.inc({ scope });
    if (!valid) this.failures.inc({ scope });
  }
}
