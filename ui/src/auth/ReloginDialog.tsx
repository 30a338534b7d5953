import { useState } from 'react'
import { useAuth } from './AuthContext'
import { Dialog } from '../components/Dialog'
import { LocalLoginForm } from './SignIn'
import { describeError } from '../api/errors'
import { useTranslation } from 'react-i18next'

/**
 * Shown over the current page when the session ends mid-work. The page stays mounted,
 * so whatever is being typed (the chat composer included) is still there afterwards.
 */
export function ReloginDialog() {
  const { sessionExpired, status, login, loginWithOidc, config, me, logout } = useAuth()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  if (!sessionExpired || status !== 'authenticated') return null
  return (
    <Dialog title={t('signIn.sessionEnded')} testId="relogin-dialog">
      <p>{t('signIn.sessionEndedText')}</p>
      {config.oidc && !config.localLogin ? (
        <>
          <button
            type="button"
            className="button button-primary button-block"
            onClick={() => loginWithOidc().catch((e) => setError(describeError(e)))}
          >
            {t('signIn.ssoAgain')}
          </button>
          {error && (
            <div className="error-box" role="alert">
              {error}
            </div>
          )}
        </>
      ) : (
        <LocalLoginForm onSubmit={login} initialEmail={me?.email ?? ''} submitLabel={t('signIn.again')} />
      )}
      <button type="button" className="button button-link" onClick={() => void logout()}>
        {t('signIn.signOutInstead')}
      </button>
    </Dialog>
  )
}
