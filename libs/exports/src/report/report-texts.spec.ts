import { THREAT_CASE_STATUSES } from '@app/threat-cases';

import { REPORT_TEXTS, reportTranslator } from './report-texts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('report texts', () => {
  it('should give every language the same keys and placeholders as English', () => {
    const english = REPORT_TEXTS.en as Record<string, string>;
    for (const [locale, texts] of Object.entries(REPORT_TEXTS)) {
      expect({ locale, keys: Object.keys(texts).sort() }).toEqual({ locale, keys: Object.keys(english).sort() });
      for (const [key, text] of Object.entries(texts as Record<string, string>)) {
        expect({ locale, key, args: placeholders(text) }).toEqual({ locale, key, args: placeholders(english[key]) });
      }
    }
  });

  it('should name every threat case status in every language, not fall back to the stored value', () => {
    for (const [locale, texts] of Object.entries(REPORT_TEXTS)) {
      for (const status of THREAT_CASE_STATUSES) {
        const text = (texts as Record<string, string>)[`values.${status}`];
        expect({ locale, status, text: typeof text === 'string' && text.length > 0 && text !== status }).toEqual({ locale, status, text: true });
      }
    }
    expect(reportTranslator('id')('values.PSAP_CONTACTED')).toBe('PSAP dihubungi');
  });

  it('should fill placeholders and fall back to the key’s last segment for values it does not know', () => {
    expect(reportTranslator('ko')('footer.page', { page: 2, pages: 9 })).toBe('9쪽 중 2쪽');
    expect(reportTranslator('zh')('values.critical')).toBe('严重');
    expect(reportTranslator('en')('values.some_new_status')).toBe('some_new_status');
  });
});
