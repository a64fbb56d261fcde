import { createHash } from 'node:crypto';

import { canonicalJson, eventFields, GENESIS_HASH, hashEvent, HashedEvent } from './audit-hash';

const event: HashedEvent = {
  tenantId: 'tnt_1',
  seq: 1n,
  at: new Date('2026-01-01T00:00:00.000Z'),
  actor: 'alice',
  actorType: 'jwt',
  action: 'tenant.create',
  resourceType: 'tenant',
  resourceId: 'tnt_1',
  outcome: 'success',
  ip: '127.0.0.1',
  userAgent: 'curl',
  requestId: 'req_1',
  traceId: 'a'.repeat(32),
  details: { b: 1, a: [{ y: 2, x: 1 }] },
  prevHash: GENESIS_HASH,
};

describe('audit hash', () => {
  it('should serialise objects with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: 'x' }, e: [3, { g: 1, f: 2 }] })).toBe('{"a":{"c":"x","d":null},"b":1,"e":[3,{"f":2,"g":1}]}');
  });

  it('should not depend on the order of keys in details', () => {
    expect(hashEvent({ ...event, details: { a: [{ x: 1, y: 2 }], b: 1 } })).toBe(hashEvent(event));
  });

  it('should change when any covered field changes', () => {
    const base = hashEvent(event);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    for (const change of [
      { actor: 'mallory' },
      { seq: 2n },
      { prevHash: 'f'.repeat(64) },
      { details: { b: 2, a: [] } },
      { at: new Date('2026-01-01T00:00:00.001Z') },
    ]) {
      expect(hashEvent({ ...event, ...change })).not.toBe(base);
    }
  });

  it('should hash exactly the canonical JSON of the covered fields, whatever they hold', () => {
    const variants: HashedEvent[] = [
      event,
      { ...event, resourceId: null, ip: null, userAgent: 'Mozilla/5.0 "quoted" \\ 한국어', requestId: null, traceId: null, details: {} },
      { ...event, seq: 123456789012n, details: { nested: { z: [null, true, 1.5], a: '告警' } }, at: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)) },
    ];
    for (const variant of variants) {
      expect(hashEvent(variant)).toBe(
        createHash('sha256')
          .update(canonicalJson(eventFields(variant)))
          .digest('hex'),
      );
    }
  });
});
