import { Controller, Get, Inject } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/auth-metadata';
import { Operation } from '../swagger/operation.decorator';
import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { CheckState, READINESS_CHECKS, ReadinessCheck } from './readiness';

export class HealthStatus {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    example: 'ok',
    description: 'degraded: ready, but an optional dependency (the read replica) is not up and the primary serves in its stead',
  })
  status: 'ok' | 'degraded';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down', 'lagging'] },
    example: { database: 'up', redis: 'up', replica: 'up' },
    description: 'Each dependency: up, down, or (the read replica) lagging more than READ_MAX_LAG_SECONDS behind the primary',
  })
  checks: Record<string, CheckState>;
}

/** A check's answer as /health/ready says it. */
function stateOf(answer: boolean | CheckState): CheckState {
  if (answer === true) return 'up';
  return answer === false ? 'down' : answer;
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

  /**
   * Readiness: every required dependency answers; 503 problem naming the ones that do not. An optional
   * one (the read replica) that is not up leaves the process ready, with status `degraded`.
   */
  @Get('ready')
  @Operation({ id: 'getReadiness', summary: 'Readiness probe (database, Redis, browser, read replica)', problems: [503] })
  async ready(): Promise<HealthStatus> {
    const results = await Promise.all(this.checks.map(async (check) => ({ check, state: stateOf(await check.isReady().catch(() => false)) })));
    const checks = Object.fromEntries(results.map(({ check, state }) => [check.name, state]));
    const down = results.filter(({ check, state }) => state !== 'up' && !check.optional).map(({ check }) => check.name);
    if (down.length > 0) {
      throw new ProblemException(ProblemTypes.serviceUnavailable, {
        detail: `Not ready: ${down.join(', ')} unavailable.`,
        headers: { 'Retry-After': '5' },
        extensions: { checks },
      });
    }
    return { status: results.every(({ state }) => state === 'up') ? 'ok' : 'degraded', checks };
  }
}
