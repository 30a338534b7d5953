import { useState, type FormEvent } from 'react'
import { adminApi } from '../../api/admin'
import { ApiError, describeError } from '../../api/errors'
import { Dialog } from '../../components/Dialog'
import { Field } from '../../components/ui'
import { useTranslation } from 'react-i18next'

interface Props {
  onClose: () => void
  onCreated: (email: string) => void
}

type Errors = Partial<Record<'email' | 'name' | 'password', string>>

/** An administrator adds a user with a first password (to be changed by them after signing in). */
export function NewUserDialog({ onClose, onCreated }: Props) {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [isAdmin, setIsAdmin] = useState(false)
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const found: Errors = {}
    if (!email.includes('@')) found.email = t('users.emailNeeded')
    if (!password) found.password = t('users.passwordNeeded')
    setErrors(found)
    setFailure(null)
    if (Object.keys(found).length) return
    setBusy(true)
    try {
      await adminApi.createUser({ email: email.trim(), name: name.trim() || undefined, password, is_admin: isAdmin })
      onCreated(email.trim())
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {}
      const known = Object.fromEntries(
        Object.entries(fields).filter(([k]) => k === 'email' || k === 'name' || k === 'password'),
      )
      setErrors(known)
      // Said next to its field when the server named one; otherwise once, below the form.
      if (!Object.keys(known).length) setFailure(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog title={t('users.newTitle')} onClose={onClose} testId="new-user-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t('signIn.email')} htmlFor="nu-email" error={errors.email}>
          <input
            id="nu-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="off"
            data-testid="new-user-email"
          />
        </Field>
        <Field label={t('common.name')} htmlFor="nu-name" error={errors.name}>
          <input id="nu-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="new-user-name" />
        </Field>
        <Field
          label={t('users.firstPassword')}
          htmlFor="nu-password"
          error={errors.password}
          hint={t('users.firstPasswordHint')}
        >
          <input
            id="nu-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            data-testid="new-user-password"
          />
        </Field>
        <label className="row">
          <input
            type="checkbox"
            checked={isAdmin}
            onChange={(e) => setIsAdmin(e.target.checked)}
            data-testid="new-user-admin"
          />{' '}
          {t('users.platformAdmin')}
        </label>
        {failure && (
          <div className="error-box" role="alert" data-testid="new-user-error">
            {failure}
          </div>
        )}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="new-user-create">
            {t('users.create')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
