/** An event as the live stream carries it: the SSE `id:`, `event:` and `data:` (the webhook payload), and its position in the tenant's Redis stream. */
export interface LiveEvent {
  tenantId: string;
  id: string;
  type: string;
  payload: string;
  /** The Redis stream entry id (`<ms>-<n>`), which orders a tenant's events for resumption. */
  position: string;
}

/** The tenant's Redis stream (under the client's key prefix): the last EVENTS_RESUME_WINDOW events, for Last-Event-ID. */
export function liveStreamKey(tenantId: string): string {
  return `events:${tenantId}`;
}

/** The pub/sub channel every api process listens on (channels take no key prefix, so it is written in full). */
export function liveChannel(redisPrefix: string): string {
  return `${redisPrefix}:events`;
}
