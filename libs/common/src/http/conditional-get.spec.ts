import { dataEtag, IF_NONE_MATCH_MAX_LENGTH, ifNoneMatchMatches } from './conditional-get';

describe('ifNoneMatchMatches', () => {
  it.each([
    ['the same strong tag', '"5"', '"5"'],
    ['a weak tag against a strong one', 'W/"5"', '"5"'],
    ['a strong tag against a weak one', '"abc"', 'W/"abc"'],
    ['one tag of a list, spaces around the commas', '"1" ,W/"2",  "5"', '"5"'],
    ['a star', ' * ', 'W/"x"'],
  ])('should match %s', (_name, header, current) => {
    expect(ifNoneMatchMatches(header, current)).toBe(true);
  });

  it.each([
    ['no header', undefined, '"5"'],
    ['another tag', '"6"', '"5"'],
    ['an unquoted tag', '5', '"5"'],
    ['a list with a malformed member', '"5", 6', '"5"'],
    ['a tag that only contains the current one', '"15"', '"5"'],
    ['a header over the limit', `${'"0", '.repeat(IF_NONE_MATCH_MAX_LENGTH / 4)}"5"`, '"5"'],
  ])('should not match %s', (_name, header, current) => {
    expect(ifNoneMatchMatches(header, current)).toBe(false);
  });
});

describe('dataEtag', () => {
  it('should give equal data the same weak tag and different data another', () => {
    const tag = dataEtag({ id: 'x', n: 1 });
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]{43}"$/);
    expect(dataEtag({ id: 'x', n: 1 })).toBe(tag);
    expect(dataEtag({ id: 'x', n: 2 })).not.toBe(tag);
  });
});
