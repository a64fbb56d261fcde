import { idFloor, publicId, ulid } from './public-id';

describe('publicId', () => {
  it('should prefix a 26-character ULID', () => {
    expect(publicId('alr')).toMatch(/^alr_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('should sort ids by creation time, within one millisecond and when the clock steps back', () => {
    const later = Date.now() + 60_000;
    const ids = [ulid(later), ulid(later), ulid(later), ulid(later + 1), ulid(later + 1), ulid(later - 5)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(6);
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
