import { keysetBatches } from '../sources/record-source';
import { firstRecords, ndjsonLine } from './record-lines';

describe('record lines', () => {
  it('should write a record as one NDJSON line in column order with UTC dates', () => {
    const columns = [
      { key: 'id', kind: 'id' as const, width: 1, value: (r: { id: string }) => r.id },
      { key: 'at', kind: 'date' as const, width: 1, value: () => new Date('2025-04-01T00:00:00+07:00') },
      { key: 'labels', kind: 'json' as const, width: 1, value: () => ({ env: 'prod' }) },
      { key: 'none', kind: 'text' as const, width: 1, value: () => null },
    ];
    expect(ndjsonLine({ id: 'alr_1' }, columns)).toBe('{"id":"alr_1","at":"2025-03-31T17:00:00.000Z","labels":{"env":"prod"},"none":null}\n');
  });

  it('should walk a keyset to the end and stop a stream at its limit', async () => {
    const data = Array.from({ length: 7 }, (_, i) => i);
    const reads: (number | null)[] = [];
    const walk = keysetBatches(3, async (after: number | null) => {
      reads.push(after);
      return data.filter((n) => after === null || n > after).slice(0, 3);
    }, (n) => n);
    const all: number[][] = [];
    for await (const batch of firstRecords(walk, 5)) all.push(batch);
    expect(all).toEqual([[0, 1, 2], [3, 4]]);
    expect(reads).toEqual([null, 2]);
  });
});
