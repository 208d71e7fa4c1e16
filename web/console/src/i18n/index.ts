import { createI18n } from 'vue-i18n';
import { en } from './en';
import { zhCn } from './zh-CN';

export type ConsoleLocale = 'zh-CN' | 'en';

const LOCALE_KEY = 'console.locale';

function storedLocale(): ConsoleLocale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN';
}

/** zh-CN first; the header's switch chooses English, remembered in localStorage. */
export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCn, en },
});

export function setLocale(locale: ConsoleLocale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}
