import { parseRetryAfter, retryDelayMs } from './webhook-queue';

describe('webhook retries', () => {
  it('should wait three times longer at each retry, within 20% of jitter', () => {
    expect(retryDelayMs(1, 60_000, null, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(3, 60_000, null, () => 0.5)).toBe(540_000);
    expect(retryDelayMs(2, 60_000, null, () => 0)).toBe(144_000);
    expect(retryDelayMs(2, 60_000, null, () => 1)).toBe(216_000);
  });

  it('should spread 8 attempts over most of a day', () => {
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, attempt) => sum + retryDelayMs(attempt, 60_000, null, () => 0.5), 0);
    expect(total / 3_600_000).toBeGreaterThan(16);
    expect(total / 3_600_000).toBeLessThan(24);
  });

  it('should honour Retry-After in seconds or as a date, capped at a day', () => {
    expect(retryDelayMs(1, 60_000, 5_000)).toBe(5_000);
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter(new Date(1_000_000 + 30_000).toUTCString(), 1_000_000)).toBe(30_000);
    expect(parseRetryAfter('999999999')).toBe(86_400_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
