import { Module } from '@nestjs/common';

import { CompliancePolicies } from './cache/compliance-policies';
import { ControlRulesService } from './controls/control-rules.service';
import { LegalHoldsService } from './holds/legal-holds.service';
import { ComplianceSettingsService } from './settings/compliance-settings.service';

/**
 * Compliance pieces that belong to no one domain: the tenant's settings, the control rule table, legal
 * holds, and the cached per-tenant policy that alerts, threat cases and ingestion consult. It depends on
 * nothing but the database, common and the audit trail, so those domains can import it (one way).
 */
@Module({
  providers: [CompliancePolicies, ComplianceSettingsService, ControlRulesService, LegalHoldsService],
  exports: [CompliancePolicies, ComplianceSettingsService, ControlRulesService, LegalHoldsService],
})
export class ComplianceModule {}
