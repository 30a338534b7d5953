import { useTranslation } from 'react-i18next'
import { LANGUAGES, setLanguage, type Language } from '../i18n'

/** The UI's language: remembered in this browser, the browser's language until chosen. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation()
  return (
    <label className="language-picker small">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => void setLanguage(e.target.value as Language)}
        aria-label={t('nav.language')}
        data-testid="language-picker"
      >
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}
