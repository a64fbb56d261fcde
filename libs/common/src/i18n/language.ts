import { FALLBACK_LANGUAGE, Language, LANGUAGES } from './translations.loader';

/**
 * Picks the best supported language from an Accept-Language header (RFC 9110 §12.5.4): highest q
 * first, a region falls back to its language (`ko-KR` → `ko`, `zh-Hant-TW` → `zh`), English otherwise.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return FALLBACK_LANGUAGE;
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((range) => range.tag && range.q > 0 && !Number.isNaN(range.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    const primary = tag.split('-')[0] as Language;
    if (LANGUAGES.includes(primary)) return primary;
  }
  return FALLBACK_LANGUAGE;
}
