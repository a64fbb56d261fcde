import { Module } from '@nestjs/common';

import { AuditTrailModule } from '@app/audit-trail';

import { MaintenanceWindowsService } from './maintenance-windows.service';

/** Maintenance windows (Alerta's blackouts): their CRUD here; alert creation reads the active ones through activeWindows. */
@Module({
  imports: [AuditTrailModule],
  providers: [MaintenanceWindowsService],
  exports: [MaintenanceWindowsService],
})
export class MaintenanceModule {}
