import { Injectable } from '@nestjs/common';

import { RedisService } from '@app/common';
import { AppConfig } from '@app/config';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

// One round trip: count the request in the current window and read how long the window lives.
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

type RateLimitClient = RedisService['client'] & { rateLimitHit(key: string, windowMs: string): Promise<[number, number]> };

/** Fixed one-minute windows per principal, counted in Redis so that every api process shares them. */
@Injectable()
export class RateLimiter {
  private readonly client: RateLimitClient;

  constructor(
    redis: RedisService,
    private readonly config: AppConfig,
  ) {
    // A defined command runs by EVALSHA (the script's text is sent once, not with every request).
    redis.client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: SCRIPT });
    this.client = redis.client as RateLimitClient;
  }

  async hit(credentialId: string, now = Date.now()): Promise<RateDecision> {
    const limit = this.config.rateLimitPerMinute;
    const window = Math.floor(now / WINDOW_MS);
    const [count, ttl] = await this.client.rateLimitHit(`ratelimit:${credentialId}:${window}`, String(WINDOW_MS));
    const resetSeconds = Math.max(1, Math.ceil((ttl > 0 ? ttl : WINDOW_MS) / 1000));
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
  }
}
