import { JobOptions } from 'bull';

/** The exports queue: the api produces, apps/worker (or the api itself with EXPORTS_IN_PROCESS) consumes. */
export const EXPORTS_QUEUE = 'exports';

export const EXPORT_JOBS = {
  /** Writes one export's file. */
  render: 'render',
  /** Periodic: expires old files and fails jobs whose worker vanished. */
  sweep: 'sweep',
} as const;

export interface RenderExportPayload {
  exportId: string;
}

/**
 * Attempts with exponential backoff (2, 4, 8, 16 and 32 s: a database or storage outage of about a
 * minute is waited out); a failure that retrying cannot fix is recorded and not rethrown.
 */
export const RENDER_JOB_OPTIONS: JobOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
};
