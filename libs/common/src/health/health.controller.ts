import { Controller, Get, Inject } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/auth-metadata';
import { Operation } from '../swagger/operation.decorator';
import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

export class HealthStatus {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] }, example: { database: 'up', redis: 'up' } })
  checks: Record<string, 'up' | 'down'>;
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the process answers. */
  @Get('live')
  @Operation({ id: 'getLiveness', summary: 'Liveness probe' })
  live(): HealthStatus {
    return { status: 'ok', checks: {} };
  }

  /** Readiness: every dependency answers; 503 problem naming the ones that do not. */
  @Get('ready')
  @Operation({ id: 'getReadiness', summary: 'Readiness probe (database, Redis)', problems: [503] })
  async ready(): Promise<HealthStatus> {
    const results = await Promise.all(this.checks.map(async (check) => [check.name, (await check.isReady().catch(() => false)) ? 'up' : 'down'] as const));
    const checks = Object.fromEntries(results);
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
    if (down.length > 0) {
      throw new ProblemException(ProblemTypes.serviceUnavailable, {
        detail: `Not ready: ${down.join(', ')} unavailable.`,
        headers: { 'Retry-After': '5' },
        extensions: { checks },
      });
    }
    return { status: 'ok', checks };
  }
}
