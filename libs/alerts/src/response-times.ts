/**
 * Response times of one alert, as /stats/response-times aggregates them (responseTimesSql), in seconds
 * with the timestamps' millisecond precision; null while the alert has not reached the state.
 *
 * - Time to acknowledge: created_at → acknowledged_at (the latest acknowledgement). Nobody can acknowledge
 *   an alert before it reached Alert Ledger.
 * - Time to resolve: from when the condition began, the earlier of starts_at and created_at, → resolved_at.
 *   An Alertmanager alert's resolved_at is Alertmanager's endsAt, which may precede created_at (the alert
 *   arrived already resolved); measured from its startsAt it is endsAt − startsAt, the same whether or not
 *   its firing notification was received. For other alerts starts_at is created_at unless the client gave an
 *   earlier one. A resolution before the start (only a sender that is not Alertmanager can report that)
 *   counts as 0, never negative.
 */
export function secondsBetween(from: Date, to: Date | null): number | null {
  return to === null ? null : (to.getTime() - from.getTime()) / 1000;
}

export function timeToAcknowledge(alert: { createdAt: Date; acknowledgedAt: Date | null }): number | null {
  return secondsBetween(alert.createdAt, alert.acknowledgedAt);
}

export function timeToResolve(alert: { createdAt: Date; startsAt: Date; resolvedAt: Date | null }): number | null {
  const began = alert.startsAt < alert.createdAt ? alert.startsAt : alert.createdAt;
  const seconds = secondsBetween(began, alert.resolvedAt);
  return seconds === null ? null : Math.max(seconds, 0);
}
