import { useTranslation } from 'react-i18next'
import { useState, type FormEvent } from 'react'
import { useQuery } from '@tanstack/react-query'
import { Navigate, useNavigate, useParams } from 'react-router'
import { authApi } from '../api/auth'
import { ApiError, describeError } from '../api/errors'
import { Field, Spinner } from '../components/ui'
import { useAuth } from './AuthContext'

/** Choose a password: after an invitation (`token`), or as a new account when self-registration is on. */
export function PasswordCard({
  title,
  email,
  onEmail,
  name,
  onName,
  submitLabel,
  onSubmit,
}: {
  title: string
  email: string
  onEmail?: (value: string) => void
  name?: string
  onName?: (value: string) => void
  submitLabel: string
  onSubmit: (password: string) => Promise<void>
}) {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setFailure(null)
    const found: Record<string, string> = {}
    if (onEmail && !email.includes('@')) found.email = t('invitePage.emailNeeded')
    if (!password) found.password = t('invitePage.passwordNeeded')
    else if (password !== repeat) found.repeat = t('invitePage.passwordsDiffer')
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    try {
      await onSubmit(password)
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {}
      setErrors(fields)
      if (!Object.keys(fields).length) setFailure(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="signin-page">
      <section className="signin-card" aria-labelledby="password-title">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">C</span> Codemill
        </div>
        <h1 id="password-title">{title}</h1>
        <form className="form" onSubmit={submit} noValidate>
          <Field label={t('invitePage.email')} htmlFor="pw-email" error={errors.email}>
            <input
              id="pw-email"
              type="email"
              autoComplete="username"
              value={email}
              readOnly={!onEmail}
              onChange={(e) => onEmail?.(e.target.value)}
              data-testid="password-email"
            />
          </Field>
          {onName && (
            <Field label={t('invitePage.name')} htmlFor="pw-name" error={errors.name}>
              <input
                id="pw-name"
                autoComplete="name"
                value={name ?? ''}
                onChange={(e) => onName(e.target.value)}
                data-testid="password-name"
              />
            </Field>
          )}
          <Field
            label={t('invitePage.password')}
            htmlFor="pw-new"
            error={errors.password}
            hint={t('invitePage.passwordHint')}
          >
            <input
              id="pw-new"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="password-new"
            />
          </Field>
          <Field label={t('invitePage.repeat')} htmlFor="pw-repeat" error={errors.repeat}>
            <input
              id="pw-repeat"
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
              data-testid="password-repeat"
            />
          </Field>
          {failure && (
            <div className="error-box" role="alert" data-testid="password-error">
              {failure}
            </div>
          )}
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={busy}
            data-testid="password-submit"
          >
            {submitLabel}
          </button>
        </form>
        <p className="muted small">
          <a href="/login">{t('invitePage.back')}</a>
        </p>
      </section>
    </main>
  )
}

export default function InvitePage() {
  const { t } = useTranslation()
  const { token = '' } = useParams()
  const { acceptToken } = useAuth()
  const navigate = useNavigate()
  const status = useQuery({ queryKey: ['invitation', token], queryFn: () => authApi.invitation(token), retry: false })

  if (status.isLoading) return <Spinner label={t('invitePage.checking')} />
  if (status.error || !status.data?.valid) {
    return (
      <main className="signin-page">
        <section className="signin-card" aria-labelledby="invite-title">
          <h1 id="invite-title">{t('invite.title')}</h1>
          <div className="error-box" role="alert" data-testid="invite-invalid">
            {status.data?.message ?? describeError(status.error)}
          </div>
          <p className="muted small">
            <a href="/login">{t('invitePage.toSignIn')}</a>
          </p>
        </section>
      </main>
    )
  }
  return (
    <PasswordCard
      title={t('invitePage.welcome')}
      email={status.data.email ?? ''}
      submitLabel={t('invitePage.setPassword')}
      onSubmit={async (password) => {
        const res = await authApi.acceptInvitation(token, password)
        await acceptToken(res.access_token)
        navigate('/chat', { replace: true })
      }}
    />
  )
}

export function RegisterPage() {
  const { t } = useTranslation()
  const { acceptToken, status } = useAuth()
  const navigate = useNavigate()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  if (status === 'authenticated') return <Navigate to="/chat" replace />
  return (
    <PasswordCard
      title={t('signIn.createAccount')}
      email={email}
      onEmail={setEmail}
      name={name}
      onName={setName}
      submitLabel={t('invitePage.createAccount')}
      onSubmit={async (password) => {
        const res = await authApi.register({ email: email.trim(), name: name.trim(), password })
        await acceptToken(res.access_token)
        navigate('/chat', { replace: true })
      }}
    />
  )
}
