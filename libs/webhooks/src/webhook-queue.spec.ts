import { parseRetryAfter, retryDelayMs } from './webhook-queue';
import { chosenDelay } from './webhooks.module';

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

describe('the webhooks queue backoff', () => {
  it('should wait as the attempt chose, and for an error of our own as a failed attempt would, never at once', () => {
    const delay = chosenDelay(60_000);
    expect(delay(1, Object.assign(new Error('503'), { retryDelayMs: 5_000 }))).toBe(5_000);
    for (const attemptsMade of [0, 1, 2]) {
      const waited = delay(attemptsMade, new Error('Connection terminated unexpectedly'));
      const expected = 60_000 * 3 ** (Math.max(1, attemptsMade) - 1);
      expect(waited).toBeGreaterThanOrEqual(expected * 0.8);
      expect(waited).toBeLessThanOrEqual(expected * 1.2);
    }
  });
});
