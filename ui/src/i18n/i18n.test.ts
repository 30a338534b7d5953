import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import en from './en.json'
import de from './de.json'
import i18n, { setLanguage } from './index'
import { formatDateTime, formatFixed } from './format'
import { CREDENTIAL_SCHEMAS, FIELD_LABEL_KEYS } from '../features/integrations/schemas'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v)
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv)
  }
  return out
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

const languages: Record<string, Map<string, string>> = { en: flatten(en), de: flatten(de) }
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('translations', () => {
  it('has every key the source uses, in every language', () => {
    const used = new Set<string>()
    for (const file of sources(join(__dirname, '..'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(100)
    for (const [lang, keys] of Object.entries(languages)) {
      // A plural key (`t('x', { count })`) is stored as x_one / x_other.
      const has = (k: string) => keys.has(k) || (keys.has(`${k}_one`) && keys.has(`${k}_other`))
      expect(
        [...used].filter((k) => !has(k)),
        `missing in ${lang}.json`,
      ).toEqual([])
    }
  })

  it('has a translated label for every integration field', () => {
    const labels = Object.values(CREDENTIAL_SCHEMAS).flatMap((fields) => fields.map((f) => f.label))
    for (const label of labels) {
      const key = FIELD_LABEL_KEYS[label]
      expect(key, label).toBeTruthy()
      expect(languages.en.get(key), label).toBe(label)
      expect(languages.de.get(key), label).toBeTruthy()
    }
  })

  it('German is complete: exactly the keys of English, with the same placeholders', () => {
    expect([...languages.de.keys()].sort()).toEqual([...languages.en.keys()].sort())
    for (const [key, text] of languages.en) {
      expect(placeholders(languages.de.get(key) ?? ''), key).toEqual(placeholders(text))
      expect(languages.de.get(key)?.trim(), key).not.toBe('')
    }
  })

  it('switches language, sets <html lang> and formats dates and numbers for it', async () => {
    const when = new Date(Date.UTC(2026, 11, 24, 15, 30))
    await setLanguage('de')
    expect(document.documentElement.lang).toBe('de')
    expect(i18n.t('nav.signOut')).toBe('Abmelden')
    expect(localStorage.getItem('codemill.language')).toBe('de')
    expect(formatDateTime(when)).toMatch(/^24\.12\.2026, \d\d:30:00$/)
    expect(formatFixed(0.7)).toBe('0,7')
    await setLanguage('en')
    expect(document.documentElement.lang).toBe('en')
    expect(i18n.t('nav.signOut')).toBe('Sign out')
    expect(formatDateTime(when)).toMatch(/^12\/24\/2026, \d{1,2}:30:00 [AP]M$/)
    expect(formatFixed(0.7)).toBe('0.7')
  })
})
