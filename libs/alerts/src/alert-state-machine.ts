import type { AlertStatus } from '@app/database';

export const LIFECYCLE_ACTIONS = ['acknowledge', 'escalate', 'resolve', 'dismiss', 'reopen'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** The status each action leads to. */
export const TARGET_STATUS: Record<LifecycleAction, AlertStatus> = {
  acknowledge: 'acknowledged',
  escalate: 'escalated',
  resolve: 'resolved',
  dismiss: 'dismissed',
  reopen: 'open',
};

/** Past-tense names used in the timeline and the audit trail. */
export const ACTION_EVENT: Record<LifecycleAction, string> = {
  acknowledge: 'acknowledged',
  escalate: 'escalated',
  resolve: 'resolved',
  dismiss: 'dismissed',
  reopen: 'reopened',
};

/**
 * The alert lifecycle (docs/API-DECISIONS.md): open work can be acknowledged, escalated, resolved or
 * dismissed; escalated work can go back to acknowledged (someone took it); closed work (resolved,
 * dismissed) can only be reopened.
 */
const ALLOWED: Record<AlertStatus, LifecycleAction[]> = {
  open: ['acknowledge', 'escalate', 'resolve', 'dismiss'],
  acknowledged: ['escalate', 'resolve', 'dismiss'],
  escalated: ['acknowledge', 'resolve', 'dismiss'],
  resolved: ['reopen'],
  dismissed: ['reopen'],
};

export function allowedActions(status: AlertStatus): LifecycleAction[] {
  return ALLOWED[status];
}

export function canApply(status: AlertStatus, action: LifecycleAction): boolean {
  return ALLOWED[status].includes(action);
}
