import { useState } from 'react'
import { useAuth } from './AuthContext'
import { Dialog } from '../components/Dialog'
import { LocalLoginForm } from './SignIn'
import { describeError } from '../api/errors'

/**
 * Shown over the current page when the session ends mid-work. The page stays mounted,
 * so whatever is being typed (the chat composer included) is still there afterwards.
 */
export function ReloginDialog() {
  const { sessionExpired, status, login, loginWithOidc, config, me, logout } = useAuth()
  const [error, setError] = useState<string | null>(null)
  if (!sessionExpired || status !== 'authenticated') return null
  return (
    <Dialog title="Your session has ended" testId="relogin-dialog">
      <p>Sign in again to continue. Nothing you typed on this page is lost.</p>
      {config.oidc && !config.localLogin ? (
        <>
          <button
            type="button"
            className="button button-primary button-block"
            onClick={() => loginWithOidc().catch((e) => setError(describeError(e)))}
          >
            Sign in again with single sign-on
          </button>
          {error && <div className="error-box" role="alert">{error}</div>}
        </>
      ) : (
        <LocalLoginForm onSubmit={login} initialEmail={me?.email ?? ''} submitLabel="Sign in again" />
      )}
      <button type="button" className="button button-link" onClick={() => void logout()}>
        Sign out instead
      </button>
    </Dialog>
  )
}
