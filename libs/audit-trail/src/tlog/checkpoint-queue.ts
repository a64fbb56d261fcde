/** The transparency-log queue: the worker's checkpoint sweep (apps/worker, or the api with EXPORTS_IN_PROCESS). */
export const TRANSPARENCY_LOG_QUEUE = 'transparency-log';

export const TRANSPARENCY_LOG_JOBS = {
  /** Appends every tenant's new audit events to its tree and signs a checkpoint of each tree that grew. */
  checkpoint: 'checkpoint',
  /** Checks every tenant's log against all its checkpoints (change detection). */
  check: 'check',
} as const;
