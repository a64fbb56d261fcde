/** What a subscription or a live stream narrows events by; each condition given must hold (OR within its values). */
export interface EventFilter {
  severity?: string[];
  source?: string[];
  control?: string[];
  /** Alert events of suppressed alerts (a maintenance window's): `false` (absent too) leaves them out, `true` only them, `any` both. */
  suppressed?: 'true' | 'false' | 'any';
}

/** The values of the `suppressed` filter. */
export const SUPPRESSED_EVENT_FILTER = ['true', 'false', 'any'] as const;

/**
 * Whether an event's data passes the filter. A condition applies to the events that carry its field
 * (severity, source and suppressed: alert events; control: alert and threat case events); other events pass it.
 */
export function matchesFilter(filter: EventFilter, data: Record<string, unknown>): boolean {
  if (filter.severity?.length && typeof data.severity === 'string' && !filter.severity.includes(data.severity)) return false;
  if (filter.source?.length && typeof data.source === 'string' && !filter.source.includes(data.source)) return false;
  if (filter.control?.length && Array.isArray(data.controls) && !data.controls.some((control) => filter.control?.includes(control as string))) return false;
  // A maintenance window's alerts page no one unless asked for: as the alert list, the default leaves them out.
  const suppressed = filter.suppressed ?? 'false';
  if (typeof data.suppressed === 'boolean' && suppressed !== 'any' && data.suppressed !== (suppressed === 'true')) return false;
  return true;
}

/** The Standard Webhooks payload, `{type, timestamp, data}`: the body of a delivery and the `data:` of a live event. */
export function eventPayload(type: string, occurredAt: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });
}
