import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

import { THREAT_CASE_ID } from '@app/threat-cases';

export class ThreatCaseIdParams {
  /** @example "tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @ApiProperty({ pattern: THREAT_CASE_ID.source })
  @Matches(THREAT_CASE_ID, { message: 'id must be a threat case id (tc_ followed by 26 characters)' })
  id: string;
}
