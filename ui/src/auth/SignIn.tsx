import { useState, type FormEvent } from 'react'
import { useQuery } from '@tanstack/react-query'
import { Navigate, useLocation } from 'react-router'
import { useAuth, userKey } from './AuthContext'
import { authApi } from '../api/auth'
import { describeError } from '../api/errors'
import { useTheme } from '../lib/theme'

export function LocalLoginForm({
  onSubmit,
  initialEmail = '',
  submitLabel = 'Sign in',
}: {
  onSubmit: (email: string, password: string) => Promise<void>
  initialEmail?: string
  submitLabel?: string
}) {
  const [email, setEmail] = useState(initialEmail)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!email.trim() || !password) {
      setError('Enter your email and password.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      await onSubmit(email, password)
    } catch (err) {
      setError(
        err instanceof Error && 'status' in err && (err as { status: number }).status === 401
          ? 'That email and password do not match an account.'
          : describeError(err),
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="login-email">Email</label>
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
        <label htmlFor="login-password">Password</label>
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
        {busy ? 'Signing in…' : submitLabel}
      </button>
    </form>
  )
}

export default function SignIn() {
  const { status, me, login, loginWithOidc, config, bootError } = useAuth()
  const location = useLocation()
  const [theme, toggleTheme] = useTheme()
  const [ssoError, setSsoError] = useState<string | null>(null)
  const options = useQuery({ queryKey: ['auth-options'], queryFn: authApi.options, retry: false, staleTime: 60_000 })
  const state = location.state as { from?: string; owner?: string | null } | null
  const from = state?.from ?? '/chat'

  // Back to the page the session ended on, only for the user who was on it (another lands on chat).
  if (status === 'authenticated') return <Navigate to={!state?.owner || state.owner === userKey(me) ? from : '/chat'} replace />

  const showLocal = config.localLogin || !config.oidc
  return (
    <main className="signin-page">
      <button type="button" className="icon-button theme-corner" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <section className="signin-card" aria-labelledby="signin-title">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">C</span> Codemill
        </div>
        <h1 id="signin-title">Sign in</h1>
        {bootError && <div className="error-box" role="alert">The server could not be reached: {bootError}</div>}
        {config.oidc && (
          <>
            <button
              type="button"
              className="button button-primary button-block"
              data-testid="login-sso"
              onClick={() => loginWithOidc(from).catch((e) => setSsoError(describeError(e)))}
            >
              Sign in with single sign-on
            </button>
            {ssoError && <div className="error-box" role="alert">{ssoError}</div>}
            {showLocal && <div className="divider"><span>or with a local account</span></div>}
          </>
        )}
        {showLocal && <LocalLoginForm onSubmit={login} />}
        {showLocal && options.data?.self_registration && (
          <p className="muted small" style={{ textAlign: 'center' }}>
            No account yet? <a href="/register" data-testid="create-account">Create an account</a>
          </p>
        )}
      </section>
    </main>
  )
}
