import type { PlainSql } from './plain-sql';
import { Prisma } from './generated/prisma/client';

/**
 * The partitioned tables, each with one partition per UTC month (prisma/sql/partitions.sql): alerts and their
 * timeline by the month of the alert's creation, audit events by their own.
 */
export const PARTITIONED_TABLES = ['alerts', 'alert_timeline', 'audit_events'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** One month's partition of alerts: its name (`alerts_2026_12`), and its first instant. */
export interface AlertMonth {
  name: string;
  month: Date;
}

/** The name of `table`'s partition for the UTC month that holds `month`, as partition_create writes it. */
export function partitionName(table: PartitionedTable, month: Date): string {
  return `${table}_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

const MONTH_NAME = /^alerts_(\d{4})_(\d{2})$/;

/** The monthly partitions of alerts, oldest first (the default partition is not one). */
export async function alertMonths(sql: Pick<PlainSql, 'rows'>): Promise<AlertMonth[]> {
  const rows = await sql.rows<{ name: string }>(Prisma.sql`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'alerts'::regclass ORDER BY c.relname`);
  return rows.flatMap(({ name }) => {
    const match = MONTH_NAME.exec(name);
    return match ? [{ name, month: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) }] : [];
  });
}

/**
 * How much later than its created_at the time in an alert's id may be: 0 for every alert stored since the
 * partitions' migration (a trigger holds writers to it), and for those stored before, what that migration
 * measured (alert_id_skew()). Until the database has answered, a day: wider than any, so a filter is never
 * narrowed too far. A filter up to a time widens the id range it implies by this (createdBefore).
 */
let idSkewMs = 86_400_000;

export function alertIdSkewMs(): number {
  return idSkewMs;
}

/** Reads alert_id_skew() once (PlainSql, as it starts). */
export async function loadAlertIdSkew(rows: (query: Prisma.Sql) => Promise<{ ms: string }[]>): Promise<void> {
  const [row] = await rows(Prisma.sql`SELECT (extract(epoch FROM alert_id_skew()) * 1000)::bigint::text AS ms`);
  idSkewMs = Number(row.ms);
}
