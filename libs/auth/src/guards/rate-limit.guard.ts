import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { MetricsService, ProblemException, ProblemTypes } from '@app/common';

import { RateLimiter } from '../rate-limit/rate-limiter';

/** Counts each authenticated request against its principal's window; past the limit, 429 with Retry-After. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limited;

  constructor(
    private readonly limiter: RateLimiter,
    metrics: MetricsService,
  ) {
    this.limited = metrics.counter({
      name: 'alert_ledger_rate_limited_requests_total',
      help: 'Requests refused with 429 because their principal spent its RATE_LIMIT_PER_MINUTE',
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<FastifyRequest>().context.principal;
    if (!principal) return true;
    const decision = await this.limiter.hit(principal.credentialId);
    const headers = {
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
    };
    void http.getResponse<FastifyReply>().headers(headers);
    if (!decision.allowed) {
      this.limited.inc();
      throw new ProblemException(ProblemTypes.rateLimited, {
        args: { retry_after: decision.resetSeconds },
        headers: { ...headers, 'Retry-After': String(decision.resetSeconds) },
      });
    }
    return true;
  }
}
