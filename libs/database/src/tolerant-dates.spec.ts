import { tolerantDateText } from './tolerant-dates';

describe('tolerantDateText', () => {
  it('should give years past 9999 in the expanded form a Date reads', () => {
    expect(new Date(tolerantDateText('10000-01-01T00:00:00+00:00')).toISOString()).toBe('+010000-01-01T00:00:00.000Z');
    expect(new Date(tolerantDateText('200000-12-31T23:59:59.999+00:00')).getUTCFullYear()).toBe(200000);
  });

  it('should read BC dates and infinities as dates', () => {
    expect(new Date(tolerantDateText('0044-03-15T00:00:00+00 BC')).getUTCFullYear()).toBe(-43);
    expect(new Date(tolerantDateText('infinity')).getTime()).toBe(8.64e15);
    expect(new Date(tolerantDateText('-infinity')).getTime()).toBe(-8.64e15);
  });

  it('should leave ordinary timestamps as they are', () => {
    expect(tolerantDateText('2026-05-01T12:00:00.123+00:00')).toBe('2026-05-01T12:00:00.123+00:00');
  });
});
