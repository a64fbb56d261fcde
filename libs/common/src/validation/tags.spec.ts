import { ProblemException } from '../problem/problem.exception';
import { assertTagLimit, MAX_TAGS, normaliseTags, patchedTags, TAG, tagChange } from './tags';

describe('tags', () => {
  it('should store tags lower case, once each, in byte order', () => {
    expect(normaliseTags(['VIP', 'phishing', 'vip', 'Team:SOC'])).toEqual(['phishing', 'team:soc', 'vip']);
  });

  it('should add and remove, removing winning over adding the same tag in any case', () => {
    expect(patchedTags(['a', 'b'], { add: ['C', 'b'], remove: ['A', 'c', 'zzz'] })).toEqual(['b']);
    expect(patchedTags(['a'], { remove: ['a'] })).toEqual([]);
  });

  it('should name what a change added and removed', () => {
    expect(tagChange(['a', 'b'], ['b', 'c'])).toEqual({ from: ['a', 'b'], to: ['b', 'c'], added: ['c'], removed: ['a'] });
  });

  it('should take letters, digits and . _ : / @ + - after a letter or digit, up to 64 characters', () => {
    for (const tag of ['phishing', 'team:soc', 'mitre/t1110.001', 'a@b+c', '9', 'x'.repeat(64)]) expect(TAG.test(tag)).toBe(true);
    for (const tag of ['', '-x', 'two words', 'a,b', 'a\u0000b', 'é', 'x'.repeat(65)]) expect(TAG.test(tag)).toBe(false);
  });

  it('should refuse more than MAX_TAGS tags after a change with a range violation of add', () => {
    expect(() => assertTagLimit(Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`))).not.toThrow();
    try {
      assertTagLimit(Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`));
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).options.errors).toEqual([expect.objectContaining({ field: 'add', pointer: '/body/add', code: 'range' })]);
    }
  });
});
