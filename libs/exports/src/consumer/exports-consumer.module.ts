import { Module } from '@nestjs/common';

import { AuditTrailModule, TransparencyLogModule } from '@app/audit-trail';

import { ExportsModule } from '../exports.module';
import { ExportRunner } from '../runner/export-runner';
import { ExportSweeper } from '../runner/export-sweeper';
import { ExportWriters } from '../writers/export-writers';
import { ExportProcessor } from './export.processor';
import { ExportSweepSchedule } from './export-sweep-schedule';

/**
 * The exports consumer. apps/worker imports it; the api imports it too when EXPORTS_IN_PROCESS is
 * set (the demo), which is why it is a library module rather than a part of apps/worker.
 */
@Module({
  imports: [ExportsModule, AuditTrailModule, TransparencyLogModule],
  providers: [ExportWriters, ExportRunner, ExportSweeper, ExportProcessor, ExportSweepSchedule],
})
export class ExportsConsumerModule {}
