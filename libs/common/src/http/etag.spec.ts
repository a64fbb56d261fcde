import { ProblemException } from '../problem/problem.exception';
import { checkIfMatch, ifMatchAccepts } from './etag';

describe('If-Match', () => {
  it.each([[undefined], ['*'], ['"5"'], ['W/"5"'], ['"4", "5"'], [' "4" ,W/"5" ']])('should take %p as a well-formed header', (header) => {
    expect(() => checkIfMatch(header)).not.toThrow();
  });

  it.each([['5'], ['"5'], ['W/5'], ['"4", 5'], [''], ['"5" "6"']])('should refuse %p with a validation error naming the header', (header) => {
    let error: unknown;
    try {
      checkIfMatch(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).problemType.slug).toBe('validation-error');
    expect((error as ProblemException).options.errors).toEqual([expect.objectContaining({ field: 'If-Match', pointer: '/headers/if-match', code: 'format' })]);
  });

  it('should match the current version only, a weak tag as its strong one', () => {
    expect(ifMatchAccepts('"5"', 5)).toBe(true);
    expect(ifMatchAccepts('W/"5"', 5)).toBe(true);
    expect(ifMatchAccepts('"4", "5"', 5)).toBe(true);
    expect(ifMatchAccepts('"4"', 5)).toBe(false);
    expect(ifMatchAccepts('*', 5)).toBe(true);
  });
});
