import type { AuditEvent } from '@app/database';

import { ChainReader, verifyAuditWindow, verifyChain } from './audit-chain';
import { GENESIS_HASH, hashEvent } from './audit-hash';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A well-formed chain of `n` events, one a minute. */
function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = {
      tenantId: 'tnt_1',
      seq: BigInt(i),
      at: new Date(T0 + i * 60_000),
      actor: 'alice',
      actorType: 'jwt',
      action: 'alert.create',
      resourceType: 'alert',
      resourceId: `alr_${i}`,
      outcome: 'success',
      ip: null,
      userAgent: null,
      requestId: null,
      traceId: null,
      details: { i },
      prevHash,
    };
    const hash = hashEvent(fields);
    events.push({ id: `aud_${i}`, ...fields, hash });
    prevHash = hash;
  }
  return events;
}

const reader =
  (events: AuditEvent[]): ChainReader =>
  async (_tenant, after, take) =>
    events.filter((e) => e.seq > after).slice(0, take);

/** What verifyAuditWindow reads, over an in-memory chain. */
function db(events: AuditEvent[]) {
  return {
    auditEvent: {
      findFirst: async ({ where, orderBy }: { where: { at?: { gte?: Date; lt?: Date }; seq?: bigint }; orderBy: { seq: 'asc' | 'desc' } }) => {
        const found = events.filter(
          (e) => (where.seq === undefined || e.seq === where.seq) && (!where.at?.gte || e.at >= where.at.gte) && (!where.at?.lt || e.at < where.at.lt),
        );
        const event = orderBy.seq === 'asc' ? found[0] : found[found.length - 1];
        return event ? { seq: event.seq, hash: event.hash } : null;
      },
      findMany: async ({ where, take }: { where: { seq: { gt: bigint } }; take: number }) => events.filter((e) => e.seq > where.seq.gt).slice(0, take),
    },
  };
}

describe('audit chain verification', () => {
  it('should accept an intact chain and count every event', async () => {
    expect(await verifyChain(reader(chain(5)), 'tnt_1')).toEqual({ checked: 5, firstBrokenId: null, lastSeq: 5n, lastHash: chain(5)[4].hash, complete: true });
  });

  it('should stop after maxEvents and say the chain goes on, but not when it ends there', async () => {
    expect(await verifyChain(reader(chain(5)), 'tnt_1', { maxEvents: 3 })).toEqual(expect.objectContaining({ checked: 3, lastSeq: 3n, complete: false }));
    expect(await verifyChain(reader(chain(5)), 'tnt_1', { maxEvents: 5 })).toEqual(expect.objectContaining({ checked: 5, lastSeq: 5n, complete: true }));
  });

  it('should name the first event whose content no longer matches its hash', async () => {
    const events = chain(5);
    events[2] = { ...events[2], actor: 'mallory' };
    expect((await verifyChain(reader(events), 'tnt_1')).firstBrokenId).toBe('aud_3');
  });

  it('should notice a missing event (a gap in seq)', async () => {
    const events = chain(5).filter((e) => e.seq !== 3n);
    expect((await verifyChain(reader(events), 'tnt_1')).firstBrokenId).toBe('aud_4');
  });

  it('should verify the segment of a period, linked to the event before it', async () => {
    const events = chain(10);
    const result = await verifyAuditWindow(db(events), 'tnt_1', new Date(T0 + 4 * 60_000), new Date(T0 + 8 * 60_000));
    expect(result).toEqual(
      expect.objectContaining({ first_seq: 4, last_seq: 7, checked: 4, valid: true, previous_hash: events[2].hash, last_hash: events[6].hash }),
    );
  });

  it('should call a segment broken when the event before it does not link', async () => {
    const events = chain(10);
    events[3] = { ...events[3], prevHash: 'f'.repeat(64) };
    const result = await verifyAuditWindow(db(events), 'tnt_1', new Date(T0 + 4 * 60_000), new Date(T0 + 8 * 60_000));
    expect(result).toEqual(expect.objectContaining({ valid: false, first_broken_id: 'aud_4' }));
  });

  it('should answer an empty period as valid with nothing checked', async () => {
    const result = await verifyAuditWindow(db(chain(3)), 'tnt_1', new Date(T0 + 3_600_000), new Date(T0 + 7_200_000));
    expect(result).toEqual(expect.objectContaining({ first_seq: null, last_seq: null, checked: 0, valid: true }));
  });
});
