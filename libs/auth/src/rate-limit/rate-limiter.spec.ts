import { Logger } from '@nestjs/common';

import { MetricsService, RedisService } from '@app/common';
import { AppConfig } from '@app/config';

import { RateLimiter } from './rate-limiter';

describe('RateLimiter without Redis', () => {
  const client = { status: 'ready', defineCommand: jest.fn(), rateLimitHit: jest.fn() };
  const metrics = new MetricsService();
  const limiter = new RateLimiter({ client } as unknown as RedisService, { rateLimitPerMinute: 5 } as AppConfig, metrics);
  const failOpen = async () => Number(/^alert_ledger_rate_limiter_fail_open_total (\d+)/m.exec(await metrics.render())?.[1]);
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('should let requests through uncounted, count each one in the metric, and log the outage once at its start and once at its end', async () => {
    client.rateLimitHit.mockResolvedValue([6, 30_000]);
    expect((await limiter.hit('jwt:a')).allowed).toBe(false);

    client.rateLimitHit.mockRejectedValue(new Error('Connection is closed.'));
    const during = [await limiter.hit('jwt:a'), await limiter.hit('jwt:a')];
    client.status = 'reconnecting';
    during.push(await limiter.hit('jwt:a'));
    expect(during.map((decision) => decision.allowed)).toEqual([true, true, true]);
    expect(await failOpen()).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(client.rateLimitHit).toHaveBeenCalledTimes(3); // not sent while reconnecting

    client.status = 'ready';
    client.rateLimitHit.mockResolvedValue([7, 20_000]);
    expect((await limiter.hit('jwt:a')).allowed).toBe(false);
    expect(log).toHaveBeenCalledWith('Redis is back: rate limits are enforced again');
    expect(await failOpen()).toBe(3);
  });
});
