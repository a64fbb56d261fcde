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

  it('should fill placeholders and fall back to the key’s last segment for values it does not know', () => {
    expect(reportTranslator('ko')('footer.page', { page: 2, pages: 9 })).toBe('9쪽 중 2쪽');
    expect(reportTranslator('zh')('values.critical')).toBe('严重');
    expect(reportTranslator('en')('values.some_new_status')).toBe('some_new_status');
  });
});
