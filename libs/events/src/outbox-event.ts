import { publicId } from '@app/common';
import { insertJsonRows, Prisma } from '@app/database';

import { EventType } from './event-types';

/** One change worth telling, as a domain hands it to the outbox. */
export interface OutboxEntry {
  tenantId: string;
  type: EventType;
  data: Prisma.InputJsonObject;
}

/** What the outbox writer needs of a transaction, structurally (the plain and the tenant-scoped client both fit). */
export interface OutboxTx {
  outboxEvent: { createMany(args: { data: Prisma.OutboxEventUncheckedCreateInput[] }): PromiseLike<{ count: number }> };
}

function rows(entries: readonly OutboxEntry[], now: Date): Prisma.OutboxEventUncheckedCreateInput[] {
  return entries.map((entry) => ({ id: publicId('evt', now.getTime()), tenantId: entry.tenantId, type: entry.type, data: entry.data, occurredAt: now }));
}

/**
 * Writes events inside the caller's transaction, so an event exists exactly when its change does (the
 * outbox): the relay sends it after the commit, and a process that dies between the two loses nothing.
 * The insert's trigger notifies the relay, which PostgreSQL delivers at the commit.
 */
export async function appendOutboxEvents(tx: OutboxTx, entries: readonly OutboxEntry[], now = new Date()): Promise<number> {
  if (entries.length === 0) return 0;
  return (await tx.outboxEvent.createMany({ data: rows(entries, now) })).count;
}

const OUTBOX_COLUMNS = ['id', 'tenant_id', 'type', 'data', 'occurred_at'] as const;

/** The same rows as one statement for plain pg transactions (Alertmanager ingestion); null when there is nothing to write. */
export function outboxEventsSql(entries: readonly OutboxEntry[], now: Date): Prisma.Sql | null {
  if (entries.length === 0) return null;
  return insertJsonRows(
    'outbox_events',
    OUTBOX_COLUMNS,
    rows(entries, now).map((row) => ({ id: row.id, tenant_id: row.tenantId, type: row.type, data: row.data, occurred_at: now })),
  );
}
