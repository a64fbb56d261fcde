import { jsonRows } from './json-rows';

describe('jsonRows', () => {
  it('should write the same JSON as JSON.stringify, dates included, for exactly the named columns', () => {
    const rows = [
      { id: 'a', at: new Date(Date.UTC(2026, 9, 1, 12, 0, 0, 7)), labels: { env: 'prod', when: '2026' }, none: null, extra: 'left out' },
      { id: 'b', at: new Date(0), labels: {}, none: null, extra: 1 },
    ];
    const columns = ['id', 'at', 'labels', 'none'];
    const expected = JSON.stringify(rows.map(({ id, at, labels, none }) => ({ id, at, labels, none })));
    expect(jsonRows(rows, columns)).toBe(expected);
  });
});
