import { Controller, Get, Header, Res, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiOkResponse, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { AUTH_METADATA, AuthRequirement } from '../auth/auth-metadata';
import { Operation } from '../swagger/operation.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
// Open when METRICS_PUBLIC=true (the default, for a scraper on a private network); otherwise admin only.
@SetMetadata(AUTH_METADATA, { public: false, scopes: ['admin'], openWhen: 'metricsPublic' } satisfies AuthRequirement)
@ApiBearerAuth('bearer')
@ApiSecurity('api_key')
@ApiExtension('x-required-scopes', ['admin'])
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text exposition: request count and duration by route and status, process metrics. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  @Operation({ id: 'getMetrics', summary: 'Prometheus metrics (open unless METRICS_PUBLIC=false, then admin)', problems: [401, 403] })
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
