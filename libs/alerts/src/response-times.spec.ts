import { timeToAcknowledge, timeToResolve } from './response-times';

describe('response times of one alert', () => {
  const createdAt = new Date('2025-05-01T00:00:00.000Z');

  it('should measure from created_at, in seconds with millisecond precision', () => {
    expect(timeToAcknowledge({ createdAt, acknowledgedAt: new Date('2025-05-01T00:01:30.250Z') })).toBe(90.25);
    expect(timeToResolve({ createdAt, resolvedAt: new Date('2025-05-02T00:00:00.000Z') })).toBe(86_400);
  });

  it('should be null until the alert reached the state', () => {
    expect(timeToAcknowledge({ createdAt, acknowledgedAt: null })).toBeNull();
    expect(timeToResolve({ createdAt, resolvedAt: null })).toBeNull();
  });
});
