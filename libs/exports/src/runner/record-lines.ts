import { ExportColumn } from '../sources/record-source';

/**
 * A record as one NDJSON line: the columns' keys in order, dates in UTC (RFC 3339), JSON values as JSON.
 * The data digest of every export is the SHA-256 of these lines, and the NDJSON file is exactly them.
 */
export function ndjsonLine(row: { id: string }, columns: ExportColumn<{ id: string }>[]): string {
  const record: Record<string, unknown> = {};
  for (const column of columns) {
    const value = column.value(row);
    record[column.key] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return `${JSON.stringify(record)}\n`;
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
