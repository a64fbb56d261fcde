/**
 * Response times of one alert, as /stats/response-times aggregates them (responseTimesSql): from
 * created_at to acknowledged_at (the latest acknowledgement) and to resolved_at, in seconds with the
 * timestamps' millisecond precision; null while the alert has not reached the state.
 */
export function secondsBetween(from: Date, to: Date | null): number | null {
  return to === null ? null : (to.getTime() - from.getTime()) / 1000;
}

export function timeToAcknowledge(alert: { createdAt: Date; acknowledgedAt: Date | null }): number | null {
  return secondsBetween(alert.createdAt, alert.acknowledgedAt);
}

export function timeToResolve(alert: { createdAt: Date; resolvedAt: Date | null }): number | null {
  return secondsBetween(alert.createdAt, alert.resolvedAt);
}
