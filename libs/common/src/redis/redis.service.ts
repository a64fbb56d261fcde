import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '@app/config';

/** One Redis connection per process for rate limits and readiness; keys live under REDIS_PREFIX. */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;

  constructor(config: AppConfig) {
    this.client = new Redis(config.redisUrl, {
      keyPrefix: `${config.redisPrefix}:`,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    this.client.on('error', () => undefined); // readiness reports it; reconnects are automatic
  }

  async isReachable(timeoutMs = 1000): Promise<boolean> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      const pong = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      return pong === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client.status !== 'end' && this.client.status !== 'wait') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
