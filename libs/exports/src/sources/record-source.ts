import { Type } from '@nestjs/common';

import { dateRange } from '@app/common';
import { Prisma, SqlRun } from '@app/database';

import { ExportResourceName, ExportScopeName } from '../dto/export-enums';

export type { SqlRun };

/** The frozen question an export answers. */
export interface ExportSelection {
  tenantId: string;
  scope: ExportScopeName;
  ids: string[];
  /** The validated filter object (scope filtered), or {}. */
  filters: Record<string, unknown>;
  /** Records created before this instant only. */
  asOf: Date;
}

/** A record's position in its resource's keyset order: structured-cloneable, so it can be sent to a part thread. */
export type RecordKey = string | [Date, string];

export type CellKind = 'id' | 'text' | 'number' | 'boolean' | 'date' | 'json';
export type CellValue = string | number | boolean | Date | null | Record<string, unknown> | unknown[];

export interface ExportColumn<R> {
  /** The field name (as in the API), also the CSV/XLSX header. */
  key: string;
  kind: CellKind;
  /** Relative width in the PDF table and characters in XLSX. */
  width: number;
  value(row: R): CellValue;
}

/**
 * A column of the PDF table: the field, its width in millimetres (null: what the others leave of the
 * 273 mm) and whether it is set in a monospace font, whose fixed advance makes the width an id needs
 * known whatever its letters (a proportional ULID varies by 40% between `I…` and `W…`).
 */
export interface PdfColumn {
  key: string;
  mm: number | null;
  mono?: boolean;
}

/** One block of the report's summary page: a small table with a heading. */
export interface SummaryTable {
  heading: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** What the report summary needs to label values: the translated enum values by field. */
export type Translate = (key: string) => string;

/** A record's image for the PDF report (include_images): where it is in the export storage, and its caption. */
export interface ReportImage {
  key: string;
  contentType: string;
  size: number;
  caption: string;
}

/** A resource that can be exported: how to count, read in batches and summarise it in SQL. */
export interface RecordSource<R extends { id: string } = { id: string }> {
  readonly resource: ExportResourceName;
  /** The scope a principal needs to read the records (besides exports:write). */
  readonly readScope: string;
  /** The class that validates `filters` (class-validator), the resource's list filters. */
  readonly filterType: Type<object>;
  readonly columns: ExportColumn<R>[];
  /** The columns the PDF table shows, in order; timestamps and ids get room for their whole text. */
  readonly pdfColumns: PdfColumn[];
  count(run: SqlRun, selection: ExportSelection): Promise<number>;
  /** Every selected record, in a stable order, `size` at a time (keyset, never the whole set in memory). */
  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<R[]>;
  /** The ids among `ids` that are not the tenant's records of this resource. */
  missingIds(run: SqlRun, tenantId: string, ids: string[]): Promise<string[]>;
  summary(run: SqlRun, selection: ExportSelection, t: Translate): Promise<SummaryTable[]>;
  /** The created-at window of the selection: the filter's bounds, capped by as_of. */
  timeWindow(selection: ExportSelection): { from: Date | null; to: Date };
  /** The record's image the PDF report shows with include_images (alerts: the event's stored primary image); absent: none ever. */
  reportImage?(row: R): ReportImage | null;
}

/**
 * A source whose selection can be cut into parts at keyset positions, which part threads write in
 * parallel (runner/export-parts.ts); a source without these is written by the job's thread alone.
 */
export interface SplittableSource<R extends { id: string } = { id: string }> extends RecordSource<R> {
  /** The statement of one part: the `rows` records after `after` (null: from the start), in the batches' order and shape. */
  partQuery(selection: ExportSelection, after: RecordKey | null, rows: number): Prisma.Sql;
  /**
   * Where the parts of `every` records begin within the first `limit` records: null (the start), then the
   * key of every `every`-th record. Part threads write the parts in parallel (runner/export-parts.ts).
   */
  partStarts(run: SqlRun, selection: ExportSelection, every: number, limit: number): Promise<(RecordKey | null)[]>;
}

export function isSplittable(source: RecordSource): source is SplittableSource {
  return typeof (source as Partial<SplittableSource>).partQuery === 'function' && typeof (source as Partial<SplittableSource>).partStarts === 'function';
}

/** Missing ids of a resource table, in request order. */
export async function missingIn(run: SqlRun, table: Prisma.Sql, tenantId: string, ids: string[]): Promise<string[]> {
  const found = await run<{ id: string }>(Prisma.sql`SELECT id FROM ${table} WHERE tenant_id = ${tenantId} AND id = ANY(${ids})`);
  const present = new Set(found.map((row) => row.id));
  return [...new Set(ids)].filter((id) => !present.has(id));
}

/** The created-at window of a selection: the filter's date bounds (scope filtered), capped by as_of. */
export function windowOf(
  selection: ExportSelection,
  bounds: { created_from?: string; created_to?: string; timezone?: string },
): { from: Date | null; to: Date } {
  const range = selection.scope === 'filtered' ? dateRange(bounds) : {};
  return { from: range.gte ?? null, to: range.lt && range.lt < selection.asOf ? range.lt : selection.asOf };
}

/**
 * Every row of a keyset walk, `size` at a time: `read(after)` answers the rows after a position (null:
 * from the start) in key order, and `keyOf` gives a row's position. The next batch is asked for as soon
 * as a batch arrives, so the database reads it while the caller writes the current one.
 */
export async function* keysetBatches<R, K>(size: number, read: (after: K | null) => Promise<R[]>, keyOf: (row: R) => K): AsyncGenerator<R[]> {
  let next: Promise<R[]> | null = read(null);
  try {
    while (next) {
      const rows: R[] = await next;
      next = rows.length < size ? null : read(keyOf(rows[rows.length - 1]));
      if (rows.length > 0) yield rows;
    }
  } finally {
    // A consumer that stops early (a record limit, a failure) leaves no read unobserved.
    await next?.catch(() => undefined);
  }
}

/**
 * The part starts of a keyset walk (SplittableSource.partStarts): `keys` is a statement over the selection
 * answering the walk's key columns as "k0", "k1"… with its position as "n" (row_number over the key order);
 * the keys of the positions every, 2·every… below limit follow null.
 */
export async function partStartsOf<K extends RecordKey>(
  run: SqlRun,
  keys: Prisma.Sql,
  every: number,
  limit: number,
  keyOf: (row: Record<string, unknown>) => K,
): Promise<(K | null)[]> {
  const rows = await run<Record<string, unknown>>(Prisma.sql`SELECT * FROM (${keys}) k WHERE k.n % ${every} = 0 AND k.n < ${limit} ORDER BY k.n`);
  return [null, ...rows.map(keyOf)];
}

/** The statement of a part of a table read in (created_at, id) order, `alias` naming the table in `select` and `where` (alerts, threat cases). */
export function createdAtPartQuery(
  table: Prisma.Sql,
  alias: Prisma.Sql,
  select: Prisma.Sql,
  where: Prisma.Sql,
  after: [Date, string] | null,
  rows: number,
): Prisma.Sql {
  const keyset = after ? Prisma.sql`AND (${alias}.created_at, ${alias}.id) > (${after[0]}::timestamptz, ${after[1]})` : Prisma.empty;
  return Prisma.sql`SELECT ${select} FROM ${table} ${alias} ${where} ${keyset} ORDER BY ${alias}.created_at, ${alias}.id LIMIT ${rows}`;
}

/** The part starts (SplittableSource.partStarts) of a table read in (created_at, id) order. */
export function createdAtPartStarts(
  run: SqlRun,
  table: Prisma.Sql,
  alias: Prisma.Sql,
  where: Prisma.Sql,
  every: number,
  limit: number,
): Promise<([Date, string] | null)[]> {
  const keys = Prisma.sql`SELECT ${alias}.created_at AS k0, ${alias}.id AS k1, row_number() OVER (ORDER BY ${alias}.created_at, ${alias}.id) AS n FROM ${table} ${alias} ${where}`;
  return partStartsOf(run, keys, every, limit, (row) => [row.k0 as Date, row.k1 as string]);
}
