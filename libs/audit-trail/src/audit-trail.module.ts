import { Module } from '@nestjs/common';

import { AuditChainMetrics } from './audit-chain-metrics';
import { AuditTrailService } from './audit-trail.service';

@Module({ providers: [AuditTrailService, AuditChainMetrics], exports: [AuditTrailService, AuditChainMetrics] })
export class AuditTrailModule {}
