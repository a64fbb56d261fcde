import { keysetBatches } from '../sources/record-source';
import { createHash } from 'node:crypto';

import { ExportCancelled } from './export-failures';
import { dataDigest, firstRecords, ndjsonLineOf } from './record-lines';

describe('record lines', () => {
  it('should write a record as one NDJSON line in column order with UTC dates', () => {
    const columns = [
      { key: 'id', kind: 'id' as const, width: 1, value: (r: { id: string }) => r.id },
      { key: 'at', kind: 'date' as const, width: 1, value: () => new Date('2025-04-01T00:00:00+07:00') },
      { key: 'labels', kind: 'json' as const, width: 1, value: () => ({ env: 'prod' }) },
      { key: 'none', kind: 'text' as const, width: 1, value: () => null },
    ];
    expect(ndjsonLineOf(columns)({ id: 'alr_1' })).toBe('{"id":"alr_1","at":"2025-03-31T17:00:00.000Z","labels":{"env":"prod"},"none":null}\n');
  });

  it('should write the same text as JSON.stringify of the record, whatever the values', () => {
    const values: unknown[] = [
      'plain',
      'quote " back\\slash \u2028 line\nbreak 한국어',
      '',
      0,
      -1.5,
      2 ** 53,
      NaN,
      true,
      null,
      undefined,
      new Date(0),
      { a: [1, { b: null }] },
      [],
      ['x'],
    ];
    const columns = values.map((value, i) => ({ key: i % 2 ? `k"${i}` : `k${i}`, kind: 'text' as const, width: 1, value: () => value as never }));
    const record = Object.fromEntries(values.map((value, i) => [columns[i].key, value instanceof Date ? value.toISOString() : (value ?? null)]));
    expect(ndjsonLineOf(columns)({})).toBe(`${JSON.stringify(record)}\n`);
    expect(ndjsonLineOf([])({})).toBe('{}\n');
  });

  it('should walk a keyset one batch ahead of its consumer and stop a stream at its limit', async () => {
    const data = Array.from({ length: 7 }, (_, i) => i);
    const reads: (number | null)[] = [];
    const walk = keysetBatches(
      3,
      async (after: number | null) => {
        reads.push(after);
        return data.filter((n) => after === null || n > after).slice(0, 3);
      },
      (n) => n,
    );
    const all: number[][] = [];
    for await (const batch of firstRecords(walk, 5)) all.push(batch);
    expect(all).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    // The batch after [3, 4, 5] was asked for while [3, 4] was being consumed; nothing after it.
    expect(reads).toEqual([null, 2, 5]);
  });

  it('should digest the lines of every batch, and stop at the next batch once cancelled', async () => {
    const lineOf = (n: number) => `${n}\n`;
    let read = 0;
    async function* batches(): AsyncGenerator<number[]> {
      for (let b = 0; b < 1_000; b++) {
        read++;
        yield [b * 2, b * 2 + 1];
      }
    }
    const whole = Array.from({ length: 2_000 }, (_, n) => lineOf(n)).join('');
    expect(await dataDigest(batches(), lineOf, new AbortController().signal)).toBe(createHash('sha256').update(whole).digest('hex'));

    read = 0;
    const cancel = new AbortController();
    async function* cancelledAfterThree(): AsyncGenerator<number[]> {
      for await (const batch of batches()) {
        if (read === 3) cancel.abort(new ExportCancelled());
        yield batch;
      }
    }
    await expect(dataDigest(cancelledAfterThree(), lineOf, cancel.signal)).rejects.toBeInstanceOf(ExportCancelled);
    expect(read).toBe(3);
  });
});
