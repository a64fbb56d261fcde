import { I18nLoader, I18nTranslation } from 'nestjs-i18n';

import { en } from './translations/en';
import { id } from './translations/id';
import { ko } from './translations/ko';
import { zh } from './translations/zh';

export const TRANSLATIONS = { en, id, ko, zh } as const;
export type Language = keyof typeof TRANSLATIONS;
export const LANGUAGES = Object.keys(TRANSLATIONS) as Language[];
export const FALLBACK_LANGUAGE: Language = 'en';

/** Translations are TypeScript objects, type-checked against English, so nothing is copied at build time. */
export class TranslationsLoader extends I18nLoader {
  languages(): Promise<string[]> {
    return Promise.resolve(LANGUAGES);
  }

  load(): Promise<I18nTranslation> {
    return Promise.resolve(TRANSLATIONS as unknown as I18nTranslation);
  }
}
