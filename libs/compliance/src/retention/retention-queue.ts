/** The retention queue: the daily purge, consumed by apps/worker (or the api with EXPORTS_IN_PROCESS). */
export const RETENTION_QUEUE = 'retention';

export const RETENTION_JOBS = {
  /** Purges every tenant's expired alerts, timelines and export jobs. */
  purge: 'purge',
} as const;

/** Where export files are removed: the app wires the exports storage here (RetentionModule.register). */
export const RETAINED_FILES = Symbol('RETAINED_FILES');

export interface RetainedFiles {
  remove(key: string): Promise<void>;
}
