import { Injectable } from '@nestjs/common';

import { AuditLogAlarm, LogCheckFinding } from '@app/audit-trail';
import { Principal } from '@app/common';
import { oneTenant, runInTenantScope } from '@app/database';

import { AlertsService } from './alerts.service';
import { CreateAlertDto } from './dto/create-alert.dto';

/** Who the alert, its timeline and its audit event name. */
export const AUDIT_LOG_CHECKER = 'system:audit-log-check';

const REASONS: Record<LogCheckFinding['reason'], string> = {
  checkpoint_signature: 'a stored checkpoint does not carry a valid signature of a published key for its tree size and root',
  events_missing: 'audit events that a signed checkpoint covers are missing',
  events_changed: 'audit events that a signed checkpoint covers were changed or reordered',
  tree_changed: 'the stored Merkle tree does not give the root of the latest signed checkpoint',
};

/**
 * The transparency log's change detection raises its incidents here: one critical `system` alert in the
 * tenant's own ledger, created as any alert is (timeline, outbox event, audit event), in the tenant's scope.
 */
@Injectable()
export class AuditLogTamperAlarm implements AuditLogAlarm {
  constructor(private readonly alerts: AlertsService) {}

  async raise(tenantId: string, finding: LogCheckFinding): Promise<string> {
    const principal: Principal = { kind: 'jwt', subject: AUDIT_LOG_CHECKER, tenantId, scopes: new Set(), isAdmin: false, credentialId: AUDIT_LOG_CHECKER };
    const dto: CreateAlertDto = Object.assign(new CreateAlertDto(), {
      type: 'audit_log_tampering',
      source: 'alert-ledger/transparency-log',
      severity: 'critical',
      alertable_type: 'system',
      title: `The audit log does not match its signed checkpoint of tree size ${finding.treeSize}`,
      message: `Change detection found that ${REASONS[finding.reason]} (${finding.reason}). Compare the checkpoints you hold with GET /v1/audit-trail/consistency and investigate database access.`,
      labels: { reason: finding.reason, tree_size: String(finding.treeSize) },
    });
    const { alert } = await runInTenantScope(oneTenant(tenantId), () => this.alerts.create(dto, principal));
    return alert.id;
  }
}
