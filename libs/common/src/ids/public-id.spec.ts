import { publicId, ulid } from './public-id';

describe('publicId', () => {
  it('should prefix a 26-character ULID', () => {
    expect(publicId('alr')).toMatch(/^alr_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('should sort ids by creation time, also within one millisecond', () => {
    const ids = [ulid(1_000), ulid(1_000), ulid(1_000), ulid(2_000), ulid(2_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });
});
