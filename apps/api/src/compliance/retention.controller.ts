import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Authenticated } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation } from '@app/common';
import { RetentionPurgeResultDto, RetentionPurgeService, RunRetentionPurgeDto } from '@app/compliance';

@ApiTags('compliance')
@Controller('v1/compliance/retention')
export class RetentionController {
  constructor(private readonly purger: RetentionPurgeService) {}

  /** The daily job's work, now (operators and tests): one tenant, or every tenant. */
  @Post('purge')
  @HttpCode(200)
  @Authenticated({ scopes: ['admin'] })
  @ApiEnvelope(RetentionPurgeResultDto)
  @Operation({
    id: 'runRetentionPurge',
    summary: 'Run the retention purge now (admin): expired alerts, timelines and export jobs, never what a legal hold covers',
    problems: [400, 404, 413, 415],
  })
  async purge(@Body() body: RunRetentionPurgeDto): Promise<Envelope<RetentionPurgeResultDto>> {
    return envelope(await this.purger.run(body.tenant_id));
  }
}
