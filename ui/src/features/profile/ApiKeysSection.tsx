import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiKeysApi, type ApiKey, type CreatedApiKey } from '../../api/apiKeys'
import { describeError } from '../../api/errors'
import { ConfirmDialog } from '../../components/Dialog'
import { CopyButton, ErrorBox, Field, Spinner } from '../../components/ui'
import { formatDateTime } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

const when = (iso: string | null | undefined) => formatDateTime(iso)

/** Personal API keys for the OpenAI-compatible API and A2A: list, create (key shown once), revoke. */
export function ApiKeysSection() {
  const queryClient = useQueryClient()
  const { t } = useTranslation()
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: apiKeysApi.list })
  const [name, setName] = useState('')
  const [expires, setExpires] = useState('')
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] })
  const create = useMutation({
    mutationFn: () =>
      apiKeysApi.create({
        name: name.trim(),
        expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      }),
    onSuccess: (key) => {
      setCreated(key)
      setName('')
      setExpires('')
      refresh()
    },
  })
  const revoke = useMutation({
    mutationFn: (id: string) => apiKeysApi.revoke(id),
    onSuccess: () => {
      setRevoking(null)
      refresh()
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (name.trim()) create.mutate()
  }
  return (
    <section aria-labelledby="api-keys-title" data-testid="api-keys">
      <h2 id="api-keys-title">{t('apiKeys.title')}</h2>
      <p className="muted small">
        {t('apiKeys.introUse')} <code>Authorization: Bearer &lt;key&gt;</code> {t('apiKeys.introWith')} (
        <code>/v1/chat/completions</code>) {t('apiKeys.introEnd')}
      </p>
      {created && (
        <div className="callout" role="status" data-testid="api-key-created">
          <p>
            {t('apiKeys.newKey')} <strong>{created.name}</strong>
            {t('apiKeys.copyNow')}
          </p>
          <code data-testid="api-key-value" style={{ wordBreak: 'break-all' }}>
            {created.key}
          </code>{' '}
          <CopyButton text={created.key} testId="api-key-copy" />{' '}
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            {t('apiKeys.done')}
          </button>
        </div>
      )}
      <form onSubmit={submit} className="inline-form" data-testid="api-key-form">
        <Field
          label={t('common.name')}
          htmlFor="api-key-name"
          error={create.error ? describeError(create.error) : null}
        >
          <input
            id="api-key-name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            data-testid="api-key-name"
          />
        </Field>
        <Field label={t('apiKeys.expiresOptional')} htmlFor="api-key-expires">
          <input
            id="api-key-expires"
            type="date"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            data-testid="api-key-expires"
          />
        </Field>
        <button
          type="submit"
          className="button button-primary"
          disabled={!name.trim() || create.isPending}
          data-testid="api-key-create"
        >
          {t('apiKeys.create')}
        </button>
      </form>
      {keys.isPending ? (
        <Spinner />
      ) : keys.isError ? (
        <ErrorBox error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <p className="muted" data-testid="api-keys-empty">
          {t('apiKeys.none')}
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('apiKeys.key')}</th>
              <th>{t('apiKeys.created')}</th>
              <th>{t('apiKeys.lastUsed')}</th>
              <th>{t('apiKeys.expires')}</th>
              <th aria-label={t('common.actions')} />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td data-testid="api-key-created-at">{when(key.created_at)}</td>
                <td>{when(key.last_used_at)}</td>
                <td>{key.expires_at ? when(key.expires_at) : t('apiKeys.never')}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => setRevoking(key)}
                    data-testid="api-key-revoke"
                  >
                    {t('apiKeys.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('apiKeys.revokeTitle')}
          message={t('apiKeys.revokeMessage', { name: revoking.name })}
          confirmLabel={t('apiKeys.revoke')}
          danger
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(revoking.id)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  )
}
