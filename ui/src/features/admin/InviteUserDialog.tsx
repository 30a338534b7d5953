import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { adminApi, type InvitationMade } from '../../api/admin'
import { describeError } from '../../api/errors'
import { Dialog } from '../../components/Dialog'
import { CopyButton, Field } from '../../components/ui'
import { FormActions, IdentityFields, knownFieldErrors } from './UserFormRows'

interface Props {
  onClose: () => void
  onInvited: () => void
}

type Errors = Partial<Record<'email' | 'name', string>>

/** An administrator invites someone: the link is mailed, or shown here to pass on when mail is not set up. */
export function InviteUserDialog({ onClose, onInvited }: Props) {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [made, setMade] = useState<InvitationMade | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setFailure(null)
    if (!email.includes('@')) {
      setErrors({ email: t('invite.emailNeeded') })
      return
    }
    setErrors({})
    setBusy(true)
    try {
      setMade(await adminApi.inviteUser({ email: email.trim(), name: name.trim() || undefined }))
      onInvited()
    } catch (err) {
      const known = knownFieldErrors(err, ['email', 'name'] as const)
      setErrors(known)
      if (!Object.keys(known).length) setFailure(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  if (made) {
    return (
      <Dialog title={t('invite.title')} onClose={onClose} testId="invite-user-dialog">
        {made.email_sent ? (
          <p data-testid="invite-sent">{t('invite.sent', { email: made.email })}</p>
        ) : (
          <div className="form">
            <p data-testid="invite-message">{made.message}</p>
            <Field label={t('invite.linkFor', { email: made.email })} htmlFor="invite-url" hint={t('invite.linkHint')}>
              <input
                id="invite-url"
                readOnly
                value={made.invite_url ?? ''}
                onFocus={(e) => e.target.select()}
                data-testid="invite-url"
              />
            </Field>
            <div className="row">
              <CopyButton text={made.invite_url ?? ''} label={t('invite.copyLink')} testId="invite-copy" />
            </div>
          </div>
        )}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="button button-primary" onClick={onClose} data-testid="invite-done">
            {t('invite.done')}
          </button>
        </div>
      </Dialog>
    )
  }

  return (
    <Dialog title={t('users.invite')} onClose={onClose} testId="invite-user-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <IdentityFields
          idPrefix="iu"
          testIdPrefix="invite"
          labels={{ email: t('invite.email'), name: t('invite.name') }}
          email={email}
          name={name}
          onEmail={setEmail}
          onName={setName}
          errors={errors}
        />
        <p className="muted small">{t('invite.explain')}</p>
        <FormActions
          failure={failure}
          failureTestId="invite-error"
          cancelLabel={t('invite.cancel')}
          submitLabel={t('invite.send')}
          submitTestId="invite-submit"
          busy={busy}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  )
}
