import { EXPORT_STATUSES, ExportStatusName } from '../dto/export-enums';
import { allowedOperations, canApply, isRunning, JOB_OPERATIONS, TRANSITIONS } from './export-job-states';

const FINAL: ExportStatusName[] = ['failed', 'cancelled', 'expired'];

describe('export job states', () => {
  it('should let a pending job be claimed, failed or cancelled, and nothing else', () => {
    expect(allowedOperations('pending')).toEqual(['claim', 'fail', 'cancel']);
  });

  it('should let a processing job be claimed again (a stalled worker), progress, complete, retry, fail or be cancelled', () => {
    expect(allowedOperations('processing')).toEqual(['claim', 'progress', 'complete', 'retry', 'fail', 'cancel']);
  });

  it('should let a completed job only expire', () => {
    expect(allowedOperations('completed')).toEqual(['expire']);
  });

  it('should change nothing of a failed, cancelled or expired job', () => {
    for (const status of FINAL) expect(allowedOperations(status)).toEqual([]);
  });

  it('should lead every operation from a status it applies to into a known status, and only progress and claim back into processing', () => {
    for (const operation of JOB_OPERATIONS) {
      expect(EXPORT_STATUSES).toContain(TRANSITIONS[operation].to);
      for (const status of TRANSITIONS[operation].from) expect(canApply(status, operation)).toBe(true);
    }
    expect(JOB_OPERATIONS.filter((operation) => TRANSITIONS[operation].to === 'processing')).toEqual(['claim', 'progress']);
  });

  it('should call a job running exactly while it has not ended', () => {
    expect(EXPORT_STATUSES.filter(isRunning)).toEqual(['pending', 'processing']);
  });

  it('should reach completed only through processing (no job completes without a run)', () => {
    const reachable = new Set<ExportStatusName>(['pending']);
    for (let changed = true; changed;) {
      changed = false;
      for (const operation of JOB_OPERATIONS) {
        const { from, to } = TRANSITIONS[operation];
        if (to === 'completed') expect(from).toEqual(['processing']);
        if (from.some((status) => reachable.has(status)) && !reachable.has(to)) changed = reachable.add(to) !== undefined;
      }
    }
    expect([...reachable].sort()).toEqual([...EXPORT_STATUSES].sort());
  });
});
