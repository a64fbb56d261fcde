import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROBLEM_SLUG_MAX_LENGTH, renderErrorsDoc } from '@app/common';
import { en } from '@app/common/i18n/translations/en';
import { id } from '@app/common/i18n/translations/id';
import { ko } from '@app/common/i18n/translations/ko';
import { zh } from '@app/common/i18n/translations/zh';

import { PROBLEM_CATALOGUE } from './problem-catalogue';

describe('problem catalogue', () => {
  it('should keep docs/ERRORS.md as generated from the catalogue (npm run docs:errors)', () => {
    expect(readFileSync(join(__dirname, '../../../../docs/ERRORS.md'), 'utf8')).toBe(renderErrorsDoc(PROBLEM_CATALOGUE));
  });

  it('should give every type a unique slug within the bound and an 8-digit code of this service', () => {
    expect(new Set(PROBLEM_CATALOGUE.map((t) => t.slug)).size).toBe(PROBLEM_CATALOGUE.length);
    expect(new Set(PROBLEM_CATALOGUE.map((t) => t.code)).size).toBe(PROBLEM_CATALOGUE.length);
    for (const type of PROBLEM_CATALOGUE) {
      expect(String(type.code)).toMatch(/^10\d{6}$/);
      expect(type.slug.length).toBeLessThanOrEqual(PROBLEM_SLUG_MAX_LENGTH);
    }
  });

  it('should translate every type, and only the catalogue’s, in every language', () => {
    for (const translations of [en, id, ko, zh]) {
      expect(Object.keys(translations.problems).sort()).toEqual(PROBLEM_CATALOGUE.map((t) => t.slug).sort());
    }
  });
});
