import { Injectable } from '@nestjs/common';

import { appendAuditEvent } from '@app/audit-trail';
import { Principal } from '@app/common';
import { InjectScopedPrisma, Prisma, ScopedPrismaClient } from '@app/database';

import { CompliancePolicies } from '../cache/compliance-policies';
import { ComplianceSettingsDto, UpdateComplianceSettingsDto } from './dto/compliance-settings.dto';
import { settingsOf } from './tenant-settings';

/** The tenant's compliance settings: read (defaults when never set) and changed with an audit event. */
@Injectable()
export class ComplianceSettingsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly policies: CompliancePolicies,
  ) {}

  async get(principal: Principal): Promise<ComplianceSettingsDto> {
    const row = await this.db.complianceSettings.findUnique({ where: { tenantId: principal.tenantId } });
    return ComplianceSettingsDto.from(principal.tenantId, row);
  }

  async update(dto: UpdateComplianceSettingsDto, principal: Principal): Promise<ComplianceSettingsDto> {
    const tenantId = principal.tenantId;
    const row = await this.db.$transaction(async (tx) => {
      // One change at a time per tenant, so `from` in the audit event is what was replaced.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`compliance-settings:${tenantId}`}, 0))`;
      const before = await tx.complianceSettings.findUnique({ where: { tenantId } });
      const from = settingsOf(before);
      const to = {
        retentionDays: dto.retention_days ?? from.retentionDays,
        noteRequiredFrom: dto.note_required_from === undefined ? from.noteRequiredFrom : dto.note_required_from,
        fourEyesClose: dto.four_eyes_close ?? from.fourEyesClose,
      };
      if (JSON.stringify(from) === JSON.stringify(to)) return before; // nothing changes: nothing is written
      const now = new Date();
      const saved = await tx.complianceSettings.upsert({
        where: { tenantId },
        create: { tenantId, ...to, updatedAt: now, updatedBy: principal.subject },
        update: { ...to, updatedAt: now, updatedBy: principal.subject, version: { increment: 1 } },
      });
      const snake = (s: typeof to) => ({ retention_days: s.retentionDays, note_required_from: s.noteRequiredFrom, four_eyes_close: s.fourEyesClose });
      await appendAuditEvent(
        tx,
        {
          tenantId,
          action: 'compliance.settings_update',
          resourceType: 'compliance_settings',
          resourceId: tenantId,
          details: { from: snake(from), to: snake(to) } as Prisma.InputJsonObject,
        },
        now,
      );
      return saved;
    });
    await this.policies.invalidate(tenantId);
    return ComplianceSettingsDto.from(tenantId, row);
  }
}
