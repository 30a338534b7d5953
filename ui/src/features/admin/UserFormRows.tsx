import { ApiError } from '../../api/errors'
import { Field } from '../../components/ui'

/** The server's field errors among `fields` (said next to their field; anything else is said once, below). */
export function knownFieldErrors<K extends string>(err: unknown, fields: readonly K[]): Partial<Record<K, string>> {
  const named = err instanceof ApiError ? err.fieldErrors : {}
  return Object.fromEntries(
    Object.entries(named).filter(([k]) => (fields as readonly string[]).includes(k)),
  ) as Partial<Record<K, string>>
}

interface IdentityProps {
  /** Prefix of the inputs' ids (`<prefix>-email`, `<prefix>-name`). */
  idPrefix: string
  /** Prefix of the inputs' test ids (`<prefix>-email`, `<prefix>-name`). */
  testIdPrefix: string
  labels: { email: string; name: string }
  email: string
  name: string
  onEmail: (value: string) => void
  onName: (value: string) => void
  errors: { email?: string; name?: string }
}

/** The email and name rows of a form about a person (new user, invitation). */
export function IdentityFields({
  idPrefix,
  testIdPrefix,
  labels,
  email,
  name,
  onEmail,
  onName,
  errors,
}: IdentityProps) {
  return (
    <>
      <Field label={labels.email} htmlFor={`${idPrefix}-email`} error={errors.email}>
        <input
          id={`${idPrefix}-email`}
          type="email"
          value={email}
          onChange={(e) => onEmail(e.target.value)}
          autoComplete="off"
          data-testid={`${testIdPrefix}-email`}
        />
      </Field>
      <Field label={labels.name} htmlFor={`${idPrefix}-name`} error={errors.name}>
        <input
          id={`${idPrefix}-name`}
          value={name}
          onChange={(e) => onName(e.target.value)}
          data-testid={`${testIdPrefix}-name`}
        />
      </Field>
    </>
  )
}

interface ActionsProps {
  failure: string | null
  failureTestId: string
  cancelLabel: string
  submitLabel: string
  submitTestId: string
  busy: boolean
  onCancel: () => void
}

/** A form's closing rows: the failure not tied to a field, then Cancel and the submit button. */
export function FormActions({
  failure,
  failureTestId,
  cancelLabel,
  submitLabel,
  submitTestId,
  busy,
  onCancel,
}: ActionsProps) {
  return (
    <>
      {failure && (
        <div className="error-box" role="alert" data-testid={failureTestId}>
          {failure}
        </div>
      )}
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="submit" className="button button-primary" disabled={busy} data-testid={submitTestId}>
          {submitLabel}
        </button>
      </div>
    </>
  )
}
