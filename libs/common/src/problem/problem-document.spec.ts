import { cutText } from './problem-document';

describe('cutText', () => {
  it('should leave a text within its bound as it is', () => {
    expect(cutText('abc', 3)).toBe('abc');
  });

  it('should cut a longer text to the bound, ending in …', () => {
    expect(cutText('abcdef', 4)).toBe('abc…');
    expect(cutText('abcdef', 4)).toHaveLength(4);
  });

  it('should never leave half of a surrogate pair', () => {
    const cut = cutText('ab🚨🚨', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut)).toBe(false);
  });
});
