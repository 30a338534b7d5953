import { useState, type FormEvent } from 'react'
import { useQuery } from '@tanstack/react-query'
import { Navigate, useLocation } from 'react-router'
import { useAuth, userKey } from './AuthContext'
import { authApi } from '../api/auth'
import { describeError } from '../api/errors'
import { useTheme } from '../lib/theme'
import { LanguagePicker } from '../components/LanguagePicker'
import { useTranslation } from 'react-i18next'

export function LocalLoginForm({
  onSubmit,
  initialEmail = '',
  submitLabel,
}: {
  onSubmit: (email: string, password: string) => Promise<void>
  initialEmail?: string
  submitLabel?: string
}) {
  const { t } = useTranslation()
  const [email, setEmail] = useState(initialEmail)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!email.trim() || !password) {
      setError(t('signIn.enterBoth'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      await onSubmit(email, password)
    } catch (err) {
      setError(
        err instanceof Error && 'status' in err && (err as { status: number }).status === 401
          ? t('signIn.noMatch')
          : describeError(err),
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="login-email">{t('signIn.email')}</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="login-email"
          required
          autoFocus={!initialEmail}
        />
      </div>
      <div className="field">
        <label htmlFor="login-password">{t('signIn.password')}</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
          required
          autoFocus={Boolean(initialEmail)}
        />
      </div>
      {error && (
        <div className="error-box" role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      <button type="submit" className="button button-primary button-block" disabled={busy} data-testid="login-submit">
        {busy ? t('signIn.signingIn') : (submitLabel ?? t('signIn.signIn'))}
      </button>
    </form>
  )
}

export default function SignIn() {
  const { status, me, login, loginWithOidc, config, bootError } = useAuth()
  const location = useLocation()
  const [theme, toggleTheme] = useTheme()
  const { t } = useTranslation()
  const [ssoError, setSsoError] = useState<string | null>(null)
  const options = useQuery({ queryKey: ['auth-options'], queryFn: authApi.options, retry: false, staleTime: 60_000 })
  const state = location.state as { from?: string; owner?: string | null } | null
  const from = state?.from ?? '/chat'

  // Back to the page the session ended on, only for the user who was on it (another lands on chat).
  if (status === 'authenticated')
    return <Navigate to={!state?.owner || state.owner === userKey(me) ? from : '/chat'} replace />

  const showLocal = config.localLogin || !config.oidc
  return (
    <main className="signin-page">
      <button
        type="button"
        className="icon-button theme-corner"
        onClick={toggleTheme}
        aria-label={theme === 'dark' ? t('nav.switchToLight') : t('nav.switchToDark')}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <section className="signin-card" aria-labelledby="signin-title">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">C</span> Codemill
        </div>
        <h1 id="signin-title">{t('signIn.signIn')}</h1>
        {bootError && (
          <div className="error-box" role="alert">
            {t('signIn.unreachable', { error: bootError })}
          </div>
        )}
        {config.oidc && (
          <>
            <button
              type="button"
              className="button button-primary button-block"
              data-testid="login-sso"
              onClick={() => loginWithOidc(from).catch((e) => setSsoError(describeError(e)))}
            >
              {t('signIn.sso')}
            </button>
            {ssoError && (
              <div className="error-box" role="alert">
                {ssoError}
              </div>
            )}
            {showLocal && (
              <div className="divider">
                <span>{t('signIn.orLocal')}</span>
              </div>
            )}
          </>
        )}
        {showLocal && <LocalLoginForm onSubmit={login} />}
        {showLocal && options.data?.self_registration && (
          <p className="muted small" style={{ textAlign: 'center' }}>
            {t('signIn.noAccount')}{' '}
            <a href="/register" data-testid="create-account">
              {t('signIn.createAccount')}
            </a>
          </p>
        )}
        <div className="signin-language">
          <LanguagePicker />
        </div>
      </section>
    </main>
  )
}
