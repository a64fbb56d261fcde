import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

import { OBSERVABLE_ID, TASK_ID } from '@app/threat-cases';

import { ThreatCaseIdParams } from './threat-case-params.dto';

export class CaseTaskParams extends ThreatCaseIdParams {
  /** @example "tct_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @ApiProperty({ pattern: TASK_ID.source })
  @Matches(TASK_ID, { message: 'task_id must be a task id (tct_ followed by 26 characters)' })
  task_id: string;
}

export class CaseObservableParams extends ThreatCaseIdParams {
  /** @example "tco_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @ApiProperty({ pattern: OBSERVABLE_ID.source })
  @Matches(OBSERVABLE_ID, { message: 'observable_id must be an observable id (tco_ followed by 26 characters)' })
  observable_id: string;
}
