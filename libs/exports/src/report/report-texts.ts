import { ReportLocale } from '../dto/export-enums';
import { en } from './texts/en';
import { id } from './texts/id';
import { ko } from './texts/ko';
import { zh } from './texts/zh';

export type ReportTexts = typeof en;
export type ReportTextKey = keyof ReportTexts;

export const REPORT_TEXTS: Record<ReportLocale, Record<ReportTextKey, string>> = { en, id, ko, zh };

/**
 * A translator for one locale: `t('cover.tenant')`, `t('footer.page', { page: 1, pages: 9 })`.
 * Keys missing in a language fall back to English; unknown keys (such as a value without a
 * translation) answer the last segment of the key, so data is never hidden.
 */
export function reportTranslator(locale: ReportLocale): (key: string, args?: Record<string, string | number>) => string {
  const texts = REPORT_TEXTS[locale];
  return (key, args) => {
    const template = (texts as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key.slice(key.lastIndexOf('.') + 1);
    return args ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole)) : template;
  };
}
