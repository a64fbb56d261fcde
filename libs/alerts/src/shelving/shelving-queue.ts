/** The alert-shelving queue: the sweep that brings shelved alerts back when their time passes (apps/worker, or the api with EXPORTS_IN_PROCESS). */
export const ALERT_SHELVING_QUEUE = 'alert-shelving';

export const ALERT_SHELVING_JOBS = {
  /** Takes every expired shelf off its alert, with the timeline entry and audit event. */
  unshelveExpired: 'unshelve-expired',
} as const;
