import { negotiateLanguage } from './language';
import { TRANSLATIONS } from './translations.loader';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['ko-KR,ko;q=0.9,en;q=0.8', 'ko'],
    ['fr-FR, id;q=0.5, en;q=0.4', 'id'],
    ['en;q=0.2, zh-Hant-TW;q=0.9', 'zh'],
    ['de, fr', 'en'],
    ['ko;q=0, id', 'id'],
    ['*', 'en'],
  ])('should choose the language for %j as %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

describe('translations', () => {
  function keys(value: unknown, prefix = ''): string[] {
    if (typeof value !== 'object' || value === null) return [prefix];
    return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
  }

  function placeholders(value: unknown): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    const walk = (node: unknown, path: string): void => {
      if (typeof node === 'string') result[path] = (node.match(/\{\w+\}/g) ?? []).sort();
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(value, '');
    return result;
  }

  it.each(['id', 'ko', 'zh'] as const)('should give %s every key and placeholder that English has', (language) => {
    expect(keys(TRANSLATIONS[language])).toEqual(keys(TRANSLATIONS.en));
    expect(placeholders(TRANSLATIONS[language])).toEqual(placeholders(TRANSLATIONS.en));
  });
});
