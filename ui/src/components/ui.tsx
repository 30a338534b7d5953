import { useState, type ReactNode } from 'react'
import { describeError } from '../api/errors'
import { formatNumber } from '../i18n/format'
import { useTranslation } from 'react-i18next'

export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation()
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  )
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action && <div className="empty-actions">{action}</div>}
    </div>
  )
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation()
  if (!error) return null
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      <span>{describeError(error)}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      )}
    </div>
  )
}

export function ProgressBar({ value, label, testId }: { value: number | null; label: string; testId?: string }) {
  const pct = value == null ? null : Math.max(0, Math.min(100, Math.round(value)))
  return (
    <div
      className={`progress${pct == null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      data-testid={testId}
      data-value={pct ?? ''}
    >
      <div className="progress-fill" style={pct == null ? undefined : { width: `${pct}%` }} />
    </div>
  )
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Fallback for browsers that deny the async clipboard (non-secure origins).
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.appendChild(area)
    area.select()
    let ok = false
    try {
      ok = document.execCommand('copy')
    } catch {
      ok = false
    }
    area.remove()
    return ok
  }
}

export function CopyButton({ text, label, testId }: { text: string; label?: string; testId?: string }) {
  const { t } = useTranslation()
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  return (
    <button
      type="button"
      className="button button-small"
      data-testid={testId}
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed')
        setTimeout(() => setState('idle'), 2000)
      }}
    >
      {state === 'copied'
        ? t('common.copied')
        : state === 'failed'
          ? t('common.copyFailed')
          : (label ?? t('common.copy'))}
    </button>
  )
}

export function Field({
  label,
  hint,
  error,
  children,
  htmlFor,
}: {
  label: string
  hint?: ReactNode
  error?: string | null
  children: ReactNode
  htmlFor?: string
}) {
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && !error && <small className="hint">{hint}</small>}
      {error && (
        <small className="field-message" role="alert">
          {error}
        </small>
      )}
    </div>
  )
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  )
}

/** Previous / next buttons and "21–40 of 130" for a server-paginated list; hidden when one page holds everything. */
export function Pager({
  page,
  perPage,
  total,
  onPage,
  label,
}: {
  page: number
  perPage: number
  total: number
  onPage: (page: number) => void
  label: string
}) {
  const { t } = useTranslation()
  if (total <= perPage && page === 0) return null
  const first = page * perPage + 1
  const last = Math.min(total, (page + 1) * perPage)
  return (
    <nav className="row pager" aria-label={label}>
      <button type="button" className="button button-small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {t('common.previous')}
      </button>
      <span className="muted small" aria-live="polite">
        {total === 0
          ? t('common.nothingHere')
          : t('common.range', { first: formatNumber(first), last: formatNumber(last), total: formatNumber(total) })}
      </span>
      <button type="button" className="button button-small" disabled={last >= total} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </nav>
  )
}
