import { Injectable } from '@nestjs/common';

import { ExportResourceName } from '../dto/export-enums';
import { AlertSource } from './alert-source';
import { AuditTrailSource } from './audit-trail-source';
import { RecordSource } from './record-source';

/** The exportable resources by name. */
@Injectable()
export class RecordSources {
  private readonly sources: Map<ExportResourceName, RecordSource>;

  constructor(alerts: AlertSource, auditTrail: AuditTrailSource) {
    this.sources = new Map<ExportResourceName, RecordSource>([
      ['alerts', alerts as unknown as RecordSource],
      ['audit_trail', auditTrail as unknown as RecordSource],
    ]);
  }

  find(resource: ExportResourceName): RecordSource | undefined {
    return this.sources.get(resource);
  }
}

export const RECORD_SOURCE_PROVIDERS = [AlertSource, AuditTrailSource, RecordSources];
