import type { AlertSeverity } from '@app/database';

/**
 * The `severity` label of an Alertmanager alert, mapped to ours. Also in docs/API-DECISIONS.md.
 * The original label stays in `labels`.
 */
export const SEVERITY_LABELS: Record<string, AlertSeverity> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  page: 'critical',
  p1: 'critical',
  error: 'high',
  high: 'high',
  major: 'high',
  p2: 'high',
  warning: 'medium',
  warn: 'medium',
  medium: 'medium',
  moderate: 'medium',
  p3: 'medium',
  low: 'low',
  minor: 'low',
  p4: 'low',
  info: 'info',
  informational: 'info',
  notice: 'info',
  none: 'info',
  debug: 'info',
  p5: 'info',
};

/** Alerts without a severity label, or with one not in the table, are `medium`. */
export const DEFAULT_SEVERITY: AlertSeverity = 'medium';

export function mapSeverity(label: string | undefined): AlertSeverity {
  return (label && SEVERITY_LABELS[label.trim().toLowerCase()]) || DEFAULT_SEVERITY;
}
