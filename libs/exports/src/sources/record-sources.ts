import { Injectable } from '@nestjs/common';

import { ExportResourceName } from '../dto/export-enums';
import { AlertSource } from './alert-source';
import { AuditTrailSource } from './audit-trail-source';
import { RecordSource } from './record-source';
import { ThreatCaseSource } from './threat-case-source';

/** The exportable resources by name. */
@Injectable()
export class RecordSources {
  private readonly sources: Map<ExportResourceName, RecordSource>;

  constructor(alerts: AlertSource, threatCases: ThreatCaseSource, auditTrail: AuditTrailSource) {
    this.sources = new Map<ExportResourceName, RecordSource>([
      ['alerts', alerts as unknown as RecordSource],
      ['threat_cases', threatCases as unknown as RecordSource],
      ['audit_trail', auditTrail as unknown as RecordSource],
    ]);
  }

  find(resource: ExportResourceName): RecordSource | undefined {
    return this.sources.get(resource);
  }
}

export const RECORD_SOURCE_PROVIDERS = [AlertSource, ThreatCaseSource, AuditTrailSource, RecordSources];
