import { FieldViolation, ProblemException, ProblemTypes } from '@app/common';
import { ExportJob } from '@app/database';
import { ExportProblems } from './export-problems';

export function exportNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'export', id } });
}

export function exportNotReady(job: ExportJob): ProblemException {
  return new ProblemException(ExportProblems.exportNotReady, {
    args: { current_status: job.status },
    extensions: { job_id: job.id, current_status: job.status },
  });
}

export function exportExpired(job: ExportJob): ProblemException {
  const expiresAt = job.expiresAt?.toISOString() ?? '';
  return new ProblemException(ExportProblems.exportExpired, { args: { expires_at: expiresAt }, extensions: { job_id: job.id, expires_at: expiresAt } });
}

export function rangeNotSatisfiable(range: string, size: number): ProblemException {
  return new ProblemException(ExportProblems.rangeNotSatisfiable, { args: { range, size }, headers: { 'Content-Range': `bytes */${size}` } });
}

export function unknownIds(resource: string, ids: string[]): ProblemException {
  const shown = ids.slice(0, 20).join(', ') + (ids.length > 20 ? ', …' : '');
  return new ProblemException(ExportProblems.exportUnknownIds, { args: { count: ids.length, resource, ids: shown }, extensions: { unknown_ids: ids } });
}

export function resourceUnavailable(resource: string): ProblemException {
  return new ProblemException(ExportProblems.exportResourceUnavailable, { args: { resource } });
}

export function invalidExportRequest(errors: FieldViolation[]): ProblemException {
  return new ProblemException(ProblemTypes.validationError, { errors });
}

export function exportNotYours(job: ExportJob): ProblemException {
  return new ProblemException(ExportProblems.exportNotYours, {
    args: { requested_by: job.requestedBy },
    extensions: { job_id: job.id, requested_by: job.requestedBy },
  });
}

export function exportUnderLegalHold(job: ExportJob, holdId: string): ProblemException {
  return new ProblemException(ExportProblems.exportUnderLegalHold, { args: { id: job.id, hold_id: holdId }, extensions: { job_id: job.id, hold_id: holdId } });
}
