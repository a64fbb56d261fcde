import { isoUtc } from '@app/common';

import { Prisma } from './generated/prisma/client';

/**
 * `INSERT INTO <table> (<columns>) SELECT <columns> FROM jsonb_populate_recordset(NULL::<table>, $1)`:
 * any number of rows as one JSON parameter, typed by the table's own row type. A multi-row VALUES list
 * of the same rows has a parameter per value, and PostgreSQL spent a fifth of an ingestion payload
 * parsing and planning those (docs/BENCHMARKS.md); one JSON text is also cheaper to send. Keys are
 * column names; a key left out is NULL, so `columns` must name exactly the keys the rows carry.
 * `table` and `columns` are trusted identifiers (constants of the caller), never request data.
 */
export function insertJsonRows(table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): Prisma.Sql {
  const list = Prisma.raw(columns.join(', '));
  return Prisma.sql`INSERT INTO ${Prisma.raw(table)} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${Prisma.raw(table)}, ${jsonRows(rows, columns)}::jsonb)`;
}

/**
 * The rows as one JSON array, their top-level dates written by isoUtc: JSON.stringify would call each
 * Date's toJSON (toISOString), which was most of the cost of serialising an ingestion payload.
 */
export function jsonRows(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const plain = rows.map((row) => {
    const copy: Record<string, unknown> = {};
    for (const column of columns) {
      const value = row[column];
      copy[column] = value instanceof Date ? isoUtc(value) : value;
    }
    return copy;
  });
  return JSON.stringify(plain);
}
