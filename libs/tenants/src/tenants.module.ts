import { Module } from '@nestjs/common';

import { AuditTrailModule } from '@app/audit-trail';

import { TenantsService } from './tenants.service';

@Module({ imports: [AuditTrailModule], providers: [TenantsService], exports: [TenantsService] })
export class TenantsModule {}
