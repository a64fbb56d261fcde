import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { ProblemException, RedisService } from '@app/common';
import { AppConfig } from '@app/config';

import { API_KEY_MARK, apiKeyPrefix } from '../api-keys/api-key-secret';
import { apiKeyHeader } from '../strategies/api-key.strategy';
import { redisDown, WINDOW_MS, windowResetSeconds } from './rate-limiter';
import { AuthProblems } from '../errors/auth-problems';

// One round trip: count a failure under each key of the attempt, give each key the window's life.
const RECORD = `
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 1
`;

type FailureClient = RedisService['client'] & { authFailureRecord(...args: string[]): Promise<number> };

/** Who an attempt counts against: its client address, and the API key prefix it sent (if any). */
function attemptKeys(request: Pick<FastifyRequest, 'ip' | 'headers'>, window: number): string[] {
  const keys = [`authfail:ip:${request.ip}:${window}`];
  const bearer = /^Bearer +(ak_\S*)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1];
  const key = apiKeyHeader(request.headers) ?? bearer;
  if (key?.startsWith(API_KEY_MARK)) keys.push(`authfail:key:${apiKeyPrefix(key)}:${window}`);
  return keys;
}

/**
 * Failed authentications per client address and per API key prefix, in fixed one-minute windows in
 * Redis shared by every api process. Past AUTH_FAILURE_LIMIT_PER_MINUTE, every attempt of that address
 * or prefix is refused with 429 until the window ends, a valid credential too: guessing gets no answer
 * at all. Separate from the per-principal RateLimiter, which counts authenticated requests. Redis
 * being down lets attempts through (authentication still decides), as a limiter must not take the
 * service down with it.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger(AuthFailureLimiter.name);
  private readonly client: FailureClient;
  private available = true;

  constructor(
    redis: RedisService,
    private readonly config: AppConfig,
  ) {
    redis.client.defineCommand('authFailureRecord', { lua: RECORD });
    this.client = redis.client as FailureClient;
  }

  /** Throws 429 too-many-auth-failures when the address or key prefix is over the limit in this window. */
  async check(request: Pick<FastifyRequest, 'ip' | 'headers'>, now = Date.now()): Promise<void> {
    const keys = attemptKeys(request, Math.floor(now / WINDOW_MS));
    let counts: (string | null)[];
    try {
      // While Redis is down nothing is sent: the request must not wait for it (as RateLimiter).
      if (redisDown(this.client)) throw new Error(`Redis ${this.client.status}`);
      counts = await this.client.mget(...keys);
    } catch (error) {
      this.unavailable(error as Error);
      return;
    }
    this.available = true;
    if (counts.some((count) => Number(count ?? 0) >= this.config.authFailureLimitPerMinute)) {
      const retryAfter = windowResetSeconds(now);
      throw new ProblemException(AuthProblems.tooManyAuthFailures, { args: { retry_after: retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
    }
  }

  /** Counts one failed attempt against its address and key prefix. */
  async record(request: Pick<FastifyRequest, 'ip' | 'headers'>, now = Date.now()): Promise<void> {
    const keys = attemptKeys(request, Math.floor(now / WINDOW_MS));
    try {
      if (redisDown(this.client)) throw new Error(`Redis ${this.client.status}`);
      await this.client.authFailureRecord(String(keys.length), ...keys, String(WINDOW_MS));
    } catch (error) {
      this.unavailable(error as Error);
    }
  }

  /** Logged once an outage, not once a request. */
  private unavailable(error: Error): void {
    if (!this.available) return;
    this.available = false;
    this.logger.warn(`failed authentications are not counted until Redis is back (${error.message})`);
  }
}
