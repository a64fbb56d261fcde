import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ProblemException, ProblemTypes } from '@app/common';

import { RateLimiter } from '../rate-limit/rate-limiter';

/** Counts each authenticated request against its principal's window; past the limit, 429 with Retry-After. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

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
      throw new ProblemException(ProblemTypes.rateLimited, {
        args: { retry_after: decision.resetSeconds },
        headers: { ...headers, 'Retry-After': String(decision.resetSeconds) },
      });
    }
    return true;
  }
}
