import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiKeysApi, type ApiKey, type CreatedApiKey } from '../../api/apiKeys'
import { describeError } from '../../api/errors'
import { ConfirmDialog } from '../../components/Dialog'
import { CopyButton, ErrorBox, Field, Spinner } from '../../components/ui'

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—')

/** Personal API keys for the OpenAI-compatible API and A2A: list, create (key shown once), revoke. */
export function ApiKeysSection() {
  const queryClient = useQueryClient()
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: apiKeysApi.list })
  const [name, setName] = useState('')
  const [expires, setExpires] = useState('')
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] })
  const create = useMutation({
    mutationFn: () =>
      apiKeysApi.create({ name: name.trim(), expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null }),
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
      <h2 id="api-keys-title">API keys</h2>
      <p className="muted small">
        Use a key as <code>Authorization: Bearer &lt;key&gt;</code> with the OpenAI-compatible API (
        <code>/v1/chat/completions</code>) or A2A. A key acts as you; it is shown only once.
      </p>
      {created && (
        <div className="callout" role="status" data-testid="api-key-created">
          <p>
            New key <strong>{created.name}</strong>: copy it now, it will not be shown again.
          </p>
          <code data-testid="api-key-value" style={{ wordBreak: 'break-all' }}>{created.key}</code>{' '}
          <CopyButton text={created.key} testId="api-key-copy" />{' '}
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <form onSubmit={submit} className="inline-form" data-testid="api-key-form">
        <Field label="Name" htmlFor="api-key-name" error={create.error ? describeError(create.error) : null}>
          <input id="api-key-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="api-key-name" />
        </Field>
        <Field label="Expires (optional)" htmlFor="api-key-expires">
          <input id="api-key-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} data-testid="api-key-expires" />
        </Field>
        <button type="submit" className="button button-primary" disabled={!name.trim() || create.isPending} data-testid="api-key-create">
          Create key
        </button>
      </form>
      {keys.isPending ? (
        <Spinner />
      ) : keys.isError ? (
        <ErrorBox error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <p className="muted" data-testid="api-keys-empty">No API keys yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <td>{key.name}</td>
                <td><code>{key.prefix}…</code></td>
                <td>{when(key.created_at)}</td>
                <td>{when(key.last_used_at)}</td>
                <td>{key.expires_at ? when(key.expires_at) : 'never'}</td>
                <td>
                  <button type="button" className="button button-small button-danger" onClick={() => setRevoking(key)} data-testid="api-key-revoke">
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke API key"
          message={`Revoke "${revoking.name}"? Clients using it are refused from now on.`}
          confirmLabel="Revoke"
          danger
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(revoking.id)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  )
}
