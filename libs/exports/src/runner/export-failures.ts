// A deep import: part threads load this file through record-lines.ts, and the library's barrel would slow their start.
import { cutText } from '@app/common/problem/problem-document';

import { ObjectStoreFailure } from '../storage/s3-failures';

/** Thrown inside a run when the job was cancelled (or removed) while it ran. */
export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
    this.name = 'ExportCancelled';
  }
}

const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'the export directory is not writable (permission denied)',
  EPERM: 'the export directory is not writable (operation not permitted)',
  EROFS: 'the export directory is on a read-only file system',
  ENOTDIR: 'the export directory path runs through a file, not a directory',
  EISDIR: 'a directory stands where the export file should be',
};

/** The longest error_message an export job keeps (and answers): a longer failure text is cut, ending in "…". */
export const ERROR_MESSAGE_MAX_LENGTH = 2_000;

/** `text`, cut to ERROR_MESSAGE_MAX_LENGTH characters. */
export function boundedErrorMessage(text: string): string {
  return cutText(text, ERROR_MESSAGE_MAX_LENGTH);
}

/**
 * What to tell the user about a failure, and whether another attempt could help. Storage faults are
 * permanent for this job (retrying fills the same disk), as are an object store's refusals; Chromium,
 * database, network and object store outages retry.
 */
export function describeFailure(error: unknown): { message: string; retryable: boolean } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && STORAGE_CODES[code]) {
    const path = (error as NodeJS.ErrnoException).path;
    return { message: `Could not write the export file: ${STORAGE_CODES[code]} (${code}${path ? ` at ${path}` : ''}).`, retryable: false };
  }
  // The object store (EXPORT_STORAGE=s3): unreachable or its 5xx retry; a missing bucket or refused credentials do not.
  if (error instanceof ObjectStoreFailure) return { message: `The export storage failed: ${error.message}.`, retryable: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `The export failed: ${message}`, retryable: true };
}
