import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'

/** The UI's languages: English is bundled, the others load when first chosen. */
export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const
export type Language = keyof typeof LANGUAGES
const KEY = 'codemill.language'

const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Record<string, unknown> }>> = {
  de: () => import('./de.json'),
}

function isLanguage(value: string | null | undefined): value is Language {
  return !!value && Object.prototype.hasOwnProperty.call(LANGUAGES, value)
}

/** The remembered choice, else the browser's first supported language, else English. */
export function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(KEY)
    if (isLanguage(saved)) return saved
  } catch {
    /* storage unavailable */
  }
  const wanted = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language])
  for (const tag of wanted) {
    const base = tag?.toLowerCase().split('-')[0]
    if (isLanguage(base)) return base
  }
  return 'en'
}

async function load(lang: Language): Promise<void> {
  if (lang === 'en' || i18n.hasResourceBundle(lang, 'translation')) return
  const bundle = await loaders[lang]()
  i18n.addResourceBundle(lang, 'translation', bundle.default, true, true)
}

/** Switch the UI's language, remember it and set `<html lang>`. */
export async function setLanguage(lang: Language, remember = true): Promise<void> {
  await load(lang)
  await i18n.changeLanguage(lang)
  if (remember) {
    try {
      localStorage.setItem(KEY, lang)
    } catch {
      /* storage unavailable */
    }
  }
}

i18n.on('languageChanged', (lng) => {
  if (typeof document !== 'undefined') document.documentElement.lang = lng
})

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
})

/** Starts in the remembered or browser language (English until another bundle has loaded). */
export function startI18n(): Promise<void> {
  return setLanguage(initialLanguage(), false)
}

export default i18n
