import { useEffect, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { completeLogin } from './pkce'
import { useAuth } from './AuthContext'
import { describeError } from '../api/errors'
import { Spinner } from '../components/ui'
import { useTranslation } from 'react-i18next'

export default function OidcCallback() {
  const { acceptToken } = useAuth()
  const navigate = useNavigate()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const started = useRef(false)

  useEffect(() => {
    if (started.current) return
    started.current = true
    completeLogin(window.location.search)
      .then(async ({ accessToken, returnTo }) => {
        await acceptToken(accessToken)
        navigate(returnTo, { replace: true })
      })
      .catch((e) => setError(describeError(e)))
  }, [acceptToken, navigate])

  return (
    <main className="signin-page">
      <section className="signin-card">
        {error ? (
          <>
            <h1>{t('signIn.notCompleted')}</h1>
            <div className="error-box" role="alert">
              {error}
            </div>
            <Link className="button" to="/login">
              {t('signIn.back')}
            </Link>
          </>
        ) : (
          <Spinner label={t('signIn.finishing')} />
        )}
      </section>
    </main>
  )
}
