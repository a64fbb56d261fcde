import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderErrorsDoc } from './errors-doc';
import { ALL_PROBLEM_TYPES } from './problem-types';

describe('problem catalogue', () => {
  it('should keep docs/ERRORS.md as generated from the catalogue (npm run docs:errors)', () => {
    expect(readFileSync(join(__dirname, '../../../../docs/ERRORS.md'), 'utf8')).toBe(renderErrorsDoc());
  });

  it('should give every type a unique slug and an 8-digit code of this service', () => {
    expect(new Set(ALL_PROBLEM_TYPES.map((t) => t.slug)).size).toBe(ALL_PROBLEM_TYPES.length);
    expect(new Set(ALL_PROBLEM_TYPES.map((t) => t.code)).size).toBe(ALL_PROBLEM_TYPES.length);
    for (const type of ALL_PROBLEM_TYPES) expect(String(type.code)).toMatch(/^10\d{6}$/);
  });
});
