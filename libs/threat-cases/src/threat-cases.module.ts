import { Module } from '@nestjs/common';

import { CursorCodec } from '@app/common';
import { ComplianceModule } from '@app/compliance';
import { AppConfig } from '@app/config';

import { CaseObservablesService } from './case-work/case-observables.service';
import { CaseTasksService } from './case-work/case-tasks.service';
import { ThreatCaseChangesService } from './threat-case-changes.service';
import { ThreatCaseQueryService } from './threat-case-query.service';
import { ThreatCasesRepository } from './threat-cases.repository';
import { ThreatCasesService } from './threat-cases.service';

@Module({
  imports: [ComplianceModule],
  providers: [
    ThreatCasesRepository,
    ThreatCasesService,
    ThreatCaseChangesService,
    ThreatCaseQueryService,
    CaseTasksService,
    CaseObservablesService,
    // Seed 003's lastEvaluatedKey is a cursor of our own codec (the Paginator's is private to it).
    { provide: CursorCodec, useFactory: (config: AppConfig) => new CursorCodec(config.cursorSecret), inject: [AppConfig] },
  ],
  exports: [ThreatCasesRepository, ThreatCasesService, ThreatCaseChangesService, ThreatCaseQueryService, CaseTasksService, CaseObservablesService],
})
export class ThreatCasesModule {}
