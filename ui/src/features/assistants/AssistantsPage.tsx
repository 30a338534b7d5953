import { useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { assistantsApi } from '../../api/assistants'
import { describeError } from '../../api/errors'
import type { Assistant } from '../../api/types'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'

export function filterAssistants(list: Assistant[], search: string): Assistant[] {
  const q = search.trim().toLowerCase()
  if (!q) return list
  return list.filter((a) => `${a.name} ${a.description ?? ''} ${a.llm_model_type ?? ''}`.toLowerCase().includes(q))
}

export default function AssistantsPage() {
  const [params] = useSearchParams()
  const createdId = params.get('created')
  const [search, setSearch] = useState('')
  const [deleting, setDeleting] = useState<Assistant | null>(null)
  const toast = useToast()
  const queryClient = useQueryClient()
  const assistants = useQuery({ queryKey: ['assistants'], queryFn: () => assistantsApi.list() })
  const shown = useMemo(() => filterAssistants(assistants.data ?? [], search), [assistants.data, search])

  const remove = useMutation({
    mutationFn: (a: Assistant) => assistantsApi.remove(a.id),
    onSuccess: (_d, a) => {
      toast.info(`“${a.name}” was deleted.`)
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['assistants'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  return (
    <div className="page">
      <PageHeader
        title="Assistants"
        subtitle="Models with instructions, tools and knowledge. Start a chat with any of them."
        actions={<Link className="button button-primary" to="/assistants/new" data-testid="new-assistant">+ New assistant</Link>}
      />
      {(assistants.data?.length ?? 0) > 0 && (
        <input type="search" className="search" placeholder="Search assistants" aria-label="Search assistants" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="assistant-search" />
      )}
      {assistants.isLoading && <Spinner />}
      <ErrorBox error={assistants.error} onRetry={() => void assistants.refetch()} />
      {assistants.data?.length === 0 && (
        <EmptyState title="No assistants yet" action={<Link className="button button-primary" to="/assistants/new">Create your first assistant</Link>}>
          An assistant needs a name, a model and a system prompt. You can add tools and datasources later.
        </EmptyState>
      )}
      {search && shown.length === 0 && (assistants.data?.length ?? 0) > 0 && <p className="muted">No assistant matches “{search}”.</p>}
      <ul className="card-grid" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="assistant-list">
        {shown.map((a) => (
          <li key={a.id} className="card" data-testid="assistant-card" style={a.id === createdId ? { borderColor: 'var(--primary)' } : undefined}>
            <h3>{a.name}</h3>
            <p className="muted small" style={{ margin: 0 }}>{a.description}</p>
            <div className="chips" style={{ marginTop: '0.5rem' }}>
              {a.llm_model_type && <span className="badge">{a.llm_model_type}</span>}
              {a.shared && <span className="badge badge-info">shared</span>}
              {a.project && <span className="badge">{a.project}</span>}
            </div>
            <div className="card-actions">
              <Link className="button button-primary button-small" to={`/chat?assistant=${encodeURIComponent(a.id)}`} data-testid="start-chat">Start chat</Link>
              <Link className="button button-small" to={`/assistants/${a.id}/edit`}>Edit</Link>
              <Link className="button button-small" to={`/assistants/${a.id}/versions`}>Versions</Link>
              <button type="button" className="button button-small" onClick={() => setDeleting(a)}>Delete</button>
            </div>
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title="Delete assistant?"
          message={`“${deleting.name}” will be deleted for everyone it is shared with. Conversations with it stay readable.`}
          confirmLabel="Delete assistant"
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
