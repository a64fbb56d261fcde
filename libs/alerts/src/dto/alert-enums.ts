export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** Severity filters take any case (seed 001's Info, Critical); seed 001/002's warning is not one of ours. */
export const SEVERITY_FILTER = {
  each: true,
  message: `each severity must be one of ${SEVERITIES.join(', ')} (in any case; a warning is medium here)`,
} as const;
export const STATUSES = ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'] as const;
export const ALERTABLE_TYPES = ['event', 'manual', 'system', 'scheduled', 'external'] as const;
export const FOLLOW_UP_STATUSES = ['not_followed_up', 'followed_up'] as const;
export const ALERT_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'severity',
  'status',
  'starts_at',
  'ends_at',
  'id',
  'title',
  'instance',
  'duplicate_count',
  'last_received_at',
] as const;
/** The `shelved` filter: only shelved alerts, only the others, or both. */
export const SHELVED_FILTER = ['true', 'false', 'any'] as const;
export type AlertSortField = (typeof ALERT_SORT_FIELDS)[number];
/** Sorts the repository knows: the list's, and alertname for seed 002's system history. */
export type AlertSortKey = AlertSortField | 'alertname';
