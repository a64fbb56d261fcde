import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';

import { MetricsService, RedisService } from '@app/common';
import { AppConfig } from '@app/config';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** Both limiters count in fixed one-minute windows. */
export const WINDOW_MS = 60_000;

/** Seconds until the window of `now` ends (at least 1): Retry-After and RateLimit-Reset. */
export function windowResetSeconds(now: number): number {
  return Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));
}

// One round trip: count the request in the current window and read how long the window lives.
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

/** Whether ioredis knows its connection is gone (reconnecting or closed): a limiter then sends nothing, so no request waits for Redis. */
export function redisDown(client: Pick<RedisService['client'], 'status'>): boolean {
  return client.status === 'reconnecting' || client.status === 'end' || client.status === 'close';
}

type RateLimitClient = RedisService['client'] & { rateLimitHit(key: string, windowMs: string): Promise<[number, number]> };

/**
 * Fixed one-minute windows per principal, counted in Redis so that every api process shares them.
 * Without Redis the limiter fails open (docs/API-DECISIONS.md): requests pass uncounted, each one counted
 * in `alert_ledger_rate_limiter_fail_open_total`, and the outage is logged once when it starts and once
 * when it ends.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly client: RateLimitClient;
  private readonly failOpen: Counter;
  private failingOpen = false;

  constructor(
    redis: RedisService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    // A defined command runs by EVALSHA (the script's text is sent once, not with every request).
    redis.client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: SCRIPT });
    this.client = redis.client as RateLimitClient;
    this.failOpen = metrics.counter({
      name: 'alert_ledger_rate_limiter_fail_open_total',
      help: 'Requests let through without a rate limit because Redis was unavailable',
    });
  }

  async hit(credentialId: string, now = Date.now()): Promise<RateDecision> {
    const limit = this.config.rateLimitPerMinute;
    const window = Math.floor(now / WINDOW_MS);
    let count: number;
    let ttl: number;
    try {
      // While Redis is down (ioredis reconnecting) nothing is sent: the request must not wait for it.
      if (redisDown(this.client)) throw new Error(`Redis ${this.client.status}`);
      [count, ttl] = await this.client.rateLimitHit(`ratelimit:${credentialId}:${window}`, String(WINDOW_MS));
    } catch (error) {
      return this.passUncounted(error as Error, limit, now);
    }
    if (this.failingOpen) {
      this.failingOpen = false;
      this.logger.log('Redis is back: rate limits are enforced again');
    }
    const resetSeconds = Math.max(1, Math.ceil((ttl > 0 ? ttl : WINDOW_MS) / 1000));
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
  }

  private passUncounted(error: Error, limit: number, now: number): RateDecision {
    this.failOpen.inc();
    if (!this.failingOpen) {
      this.failingOpen = true;
      this.logger.warn(`rate limits are not enforced until Redis is back (${error.message})`);
    }
    return { allowed: true, limit, remaining: limit, resetSeconds: windowResetSeconds(now) };
  }
}
