import { timeToAcknowledge, timeToResolve } from './response-times';

describe('response times of one alert', () => {
  const createdAt = new Date('2025-05-01T00:00:00.000Z');
  const at = (iso: string) => new Date(iso);

  it('should measure from created_at, in seconds with millisecond precision', () => {
    expect(timeToAcknowledge({ createdAt, acknowledgedAt: at('2025-05-01T00:01:30.250Z') })).toBe(90.25);
    expect(timeToResolve({ createdAt, startsAt: createdAt, resolvedAt: at('2025-05-02T00:00:00.000Z') })).toBe(86_400);
  });

  it('should be null until the alert reached the state', () => {
    expect(timeToAcknowledge({ createdAt, acknowledgedAt: null })).toBeNull();
    expect(timeToResolve({ createdAt, startsAt: createdAt, resolvedAt: null })).toBeNull();
  });

  it('should measure the time to resolve from when the condition began, for an alert that arrived already resolved too', () => {
    // Alertmanager: started 07:46:50, ended 07:51:50, first heard of at 08:00 (resolved_at is its endsAt).
    expect(timeToResolve({ createdAt: at('2026-05-12T08:00:00Z'), startsAt: at('2026-05-12T07:46:50Z'), resolvedAt: at('2026-05-12T07:51:50Z') })).toBe(300);
    // A starts_at after the creation does not shorten it: measured from created_at.
    expect(timeToResolve({ createdAt, startsAt: at('2025-05-01T01:00:00Z'), resolvedAt: at('2025-05-01T02:00:00Z') })).toBe(7_200);
  });

  it('should never be negative: a resolution reported before the start counts as 0', () => {
    expect(timeToResolve({ createdAt, startsAt: createdAt, resolvedAt: at('2025-04-30T23:00:00Z') })).toBe(0);
  });
});
