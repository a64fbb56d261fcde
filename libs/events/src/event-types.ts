/** The events a tenant can subscribe to (webhooks) or listen to (GET /v1/events), and the scope each needs to be seen. */
export const EVENT_TYPES = [
  'alert.created',
  'alert.updated',
  'alert.status_changed',
  'alert.escalated',
  'threat_case.created',
  'threat_case.transitioned',
  'export.completed',
  'export.failed',
  'audit.chain_failed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The ping of POST /v1/webhooks/{id}/test: sent to one subscription, never stored as an outbox event. */
export const PING_EVENT_TYPE = 'webhook.ping';

/** The read scope a principal needs to receive each type on the live stream. */
export const EVENT_READ_SCOPE: Record<EventType, string> = {
  'alert.created': 'alerts:read',
  'alert.updated': 'alerts:read',
  'alert.status_changed': 'alerts:read',
  'alert.escalated': 'alerts:read',
  'threat_case.created': 'cases:read',
  'threat_case.transitioned': 'cases:read',
  'export.completed': 'exports:read',
  'export.failed': 'exports:read',
  'audit.chain_failed': 'audit:read',
};

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
