import i18n from './index'

/** Dates and numbers in the UI's language, through Intl. */
const locale = () => i18n.language || 'en'

export function formatDateTime(value: string | number | Date | null | undefined, fallback = '—'): string {
  if (value == null || value === '') return fallback
  const d = value instanceof Date ? value : new Date(value)
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(locale())
}

export function formatDate(value: Date, options: Intl.DateTimeFormatOptions): string {
  return value.toLocaleDateString(locale(), options)
}

export function formatTime(value: Date, options: Intl.DateTimeFormatOptions): string {
  return value.toLocaleTimeString(locale(), options)
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale(), options).format(value)
}

/** A fixed number of fraction digits, e.g. 0.7 or 0,7. */
export function formatFixed(value: number, digits = 1): string {
  return formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
