import type { ExportStatusName } from '../dto/export-enums';

/** What happens to an export job, each written by ExportJobsRepository only. */
export const JOB_OPERATIONS = ['claim', 'progress', 'complete', 'retry', 'fail', 'cancel', 'expire'] as const;
export type JobOperation = (typeof JOB_OPERATIONS)[number];

/**
 * The export job lifecycle: the statuses each operation applies to and the status it leaves. Every
 * write is conditional on these (`WHERE status IN from`), so two processes racing for one job (a cancel
 * against the end of the run, the sweep against the worker) cannot both win: the loser changes nothing.
 *
 *   pending ─claim→ processing ─complete→ completed ─expire→ expired
 *      ▲              │ │  └─progress→ processing
 *      └────retry─────┘ └─fail / cancel→ failed / cancelled   (pending too: fail / cancel)
 *
 * A processing job is claimed again when its worker died and Bull hands it to another (stalled);
 * failed, cancelled and expired are final (a finished job can only be deleted, with its file).
 */
export const TRANSITIONS: Record<JobOperation, { from: readonly ExportStatusName[]; to: ExportStatusName }> = {
  claim: { from: ['pending', 'processing'], to: 'processing' },
  progress: { from: ['processing'], to: 'processing' },
  complete: { from: ['processing'], to: 'completed' },
  retry: { from: ['processing'], to: 'pending' },
  fail: { from: ['pending', 'processing'], to: 'failed' },
  cancel: { from: ['pending', 'processing'], to: 'cancelled' },
  expire: { from: ['completed'], to: 'expired' },
};

export function canApply(status: ExportStatusName, operation: JobOperation): boolean {
  return TRANSITIONS[operation].from.includes(status);
}

export function allowedOperations(status: ExportStatusName): JobOperation[] {
  return JOB_OPERATIONS.filter((operation) => canApply(status, operation));
}

/** A job that has not ended yet: cancelling stops it, where it deletes a finished one. */
export function isRunning(status: ExportStatusName): boolean {
  return canApply(status, 'cancel');
}
