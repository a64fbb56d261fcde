/**
 * The alert-shelving queue, the alerts' periodic work: the sweep that brings shelved alerts back when their
 * time passes, the fold of the hourly counts' deltas, and the months of partitions made ahead (apps/worker, or the api with EXPORTS_IN_PROCESS).
 */
export const ALERT_SHELVING_QUEUE = 'alert-shelving';

export const ALERT_SHELVING_JOBS = {
  /** Takes every expired shelf off its alert, with the timeline entry and audit event. */
  unshelveExpired: 'unshelve-expired',
  /** Moves the deltas of alert_hourly_counts into the counts (HourlyCountsFolder). */
  foldHourlyCounts: 'fold-hourly-counts',
  /** Makes the months of partitions ahead of the clock (MonthlyPartitions). */
  createPartitions: 'create-partitions',
} as const;
