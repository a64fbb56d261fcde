import { idFloor, publicId, ulid } from './public-id';

describe('publicId', () => {
  it('should prefix a 26-character ULID', () => {
    expect(publicId('alr')).toMatch(/^alr_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('should sort ids by creation time, within one millisecond too', () => {
    const later = Date.now() + 60_000;
    const ids = [ulid(later), ulid(later), ulid(later), ulid(later + 1), ulid(later + 1), ulid(later + 2)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(6);
  });

  it('should carry an earlier time than the last as given (an alert’s id carries its created_at: its partition)', () => {
    const later = Date.now() + 120_000;
    const last = ulid(later);
    const earlier = ulid(later - 5);
    expect(earlier.slice(0, 10)).toBe(idFloor('alr', later - 5).slice(4, 14));
    expect(earlier < last).toBe(true);
    const again = [ulid(later - 5), ulid(later - 5)];
    expect([earlier, ...again]).toEqual([earlier, ...again].sort());
    expect(new Set([earlier, ...again]).size).toBe(3);
    // The count within the last millisecond goes on where it was.
    const next = ulid(later);
    expect(next > last).toBe(true);
    expect(next.slice(0, 10)).toBe(last.slice(0, 10));
  });

  it('should give a floor that ids made at or after its time sort above and ids made before sort below', () => {
    const t = Date.UTC(2031, 0, 1);
    const floor = idFloor('whd', t);
    expect(floor).toMatch(/^whd_[0-9A-Z]{26}$/);
    expect(publicId('whd', t + 1) > floor).toBe(true);
    expect(`whd_${ulid(t).slice(0, 10)}ZZZZZZZZZZZZZZZZ` >= floor).toBe(true);
    expect(idFloor('whd', t - 1) < floor).toBe(true);
    expect(`whd_${idFloor('whd', t - 1).slice(4, 14)}ZZZZZZZZZZZZZZZZ` < floor).toBe(true);
  });
});
