import { publicId, ulid } from './public-id';

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
});
