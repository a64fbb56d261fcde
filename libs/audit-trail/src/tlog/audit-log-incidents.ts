import { Inject, Injectable, Logger } from '@nestjs/common';

import { Prisma, PrismaService } from '@app/database';

import { AuditChainMetrics } from '../audit-chain-metrics';
import { LogCheckFinding } from './audit-log-check.service';

/** Raises the alert of an incident in the tenant's own ledger: the app wires the alerts library's (TransparencyLogConsumerModule.register). */
export const AUDIT_LOG_ALARM = Symbol('AUDIT_LOG_ALARM');

export interface AuditLogAlarm {
  /** Raises one critical alert in the tenant's ledger; answers its id. */
  raise(tenantId: string, finding: LogCheckFinding): Promise<string>;
}

/**
 * One incident per tenant, first failing checkpoint and reason (audit_log_incidents): its alert, its
 * metric and its error log line happen when the row is first written, so a log that stays broken is
 * reported once, not at every check. A failed alert removes the row again, so the next check retries.
 */
@Injectable()
export class AuditLogIncidents {
  private readonly logger = new Logger('AuditLogCheck');

  constructor(
    private readonly db: PrismaService,
    private readonly metrics: AuditChainMetrics,
    @Inject(AUDIT_LOG_ALARM) private readonly alarm: AuditLogAlarm,
  ) {}

  /** Answers whether this finding opened a new incident. */
  async report(tenantId: string, finding: LogCheckFinding, now = new Date()): Promise<boolean> {
    const opened = await this.db.$queryRaw<{ tenant_id: string }[]>(Prisma.sql`
      INSERT INTO audit_log_incidents (tenant_id, tree_size, reason, detected_at) VALUES (${tenantId}, ${BigInt(finding.treeSize)}, ${finding.reason}, ${now})
      ON CONFLICT DO NOTHING RETURNING tenant_id`);
    if (opened.length === 0) return false;
    const key = { tenantId_treeSize_reason: { tenantId, treeSize: BigInt(finding.treeSize), reason: finding.reason } };
    try {
      const alertId = await this.alarm.raise(tenantId, finding);
      await this.db.auditLogIncident.update({ where: key, data: { alertId } });
    } catch (error) {
      await this.db.auditLogIncident.delete({ where: key });
      throw error;
    }
    this.metrics.incident(finding.reason);
    this.logger.error(`the audit log of tenant ${tenantId} does not match its signed checkpoint of tree size ${finding.treeSize}: ${finding.reason}`);
    return true;
  }
}
