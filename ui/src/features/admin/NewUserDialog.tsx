import { useState, type FormEvent } from 'react'
import { adminApi } from '../../api/admin'
import { describeError } from '../../api/errors'
import { Dialog } from '../../components/Dialog'
import { Field } from '../../components/ui'
import { useTranslation } from 'react-i18next'
import { FormActions, IdentityFields, knownFieldErrors } from './UserFormRows'

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
      const known = knownFieldErrors(err, ['email', 'name', 'password'] as const)
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
        <IdentityFields
          idPrefix="nu"
          testIdPrefix="new-user"
          labels={{ email: t('signIn.email'), name: t('common.name') }}
          email={email}
          name={name}
          onEmail={setEmail}
          onName={setName}
          errors={errors}
        />
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
        <FormActions
          failure={failure}
          failureTestId="new-user-error"
          cancelLabel={t('common.cancel')}
          submitLabel={t('users.create')}
          submitTestId="new-user-create"
          busy={busy}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  )
}
