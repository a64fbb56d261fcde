import { createHash } from 'node:crypto';

// The formatter's own file, not the @app/common barrel (Nest): part threads load this file.
import { ZonedFormatter } from '@app/common/dates/zoned-time';

import type { ExportColumn } from '../sources/record-source';
import { ExportCancelled } from './export-failures';

/**
 * The NDJSON line of a record for these columns: the columns' keys in order, dates in UTC (RFC 3339),
 * JSON values as JSON; the same text as JSON.stringify of the record, built without the record object.
 * The data digest of every export is the SHA-256 of these lines, and the NDJSON file is exactly them.
 */
export function ndjsonLineOf<R>(columns: ExportColumn<R>[]): (row: R) => string {
  const utc = new ZonedFormatter('UTC');
  const keys = columns.map((column, i) => `${i === 0 ? '{' : ','}${JSON.stringify(column.key)}:`);
  return (row) => {
    let line = columns.length === 0 ? '{' : '';
    for (let i = 0; i < columns.length; i++) {
      const value = columns[i].value(row);
      line += keys[i];
      line += value === null || value === undefined ? 'null' : value instanceof Date ? `"${utc.rfc3339(value)}"` : JSON.stringify(value);
    }
    return `${line}}\n`;
  };
}

/** The first `limit` records of a batch stream. */
export async function* firstRecords<R>(batches: AsyncGenerator<R[]>, limit: number): AsyncGenerator<R[]> {
  let left = limit;
  if (left <= 0) return;
  for await (const batch of batches) {
    const take = batch.length <= left ? batch : batch.slice(0, left);
    left -= take.length;
    yield take;
    if (left <= 0) return;
  }
}

/**
 * The data digest of a batch stream read ahead of the writing (the PDF prints it on every page): the
 * SHA-256 of the records' lines. A cancellation is noticed before every batch, so a long pre-pass
 * stops within a batch of it rather than after the whole read.
 */
export async function dataDigest<R>(batches: AsyncGenerator<R[]>, lineOf: (row: R) => string, signal: AbortSignal, visit?: (row: R) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const batch of batches) {
    if (signal.aborted) throw new ExportCancelled();
    hash.update(batch.map(lineOf).join(''));
    if (visit) batch.forEach(visit);
  }
  return hash.digest('hex');
}
