import { useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { assistantsApi } from '../../api/assistants'
import { describeError } from '../../api/errors'
import type { Assistant } from '../../api/types'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { useTranslation } from 'react-i18next'

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
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const assistants = useQuery({ queryKey: ['assistants'], queryFn: () => assistantsApi.list() })
  const shown = useMemo(() => filterAssistants(assistants.data ?? [], search), [assistants.data, search])

  const remove = useMutation({
    mutationFn: (a: Assistant) => assistantsApi.remove(a.id),
    onSuccess: (_d, a) => {
      toast.info(t('assistants.deleted', { name: a.name }))
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['assistants'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  return (
    <div className="page">
      <PageHeader
        title={t('nav.assistants')}
        subtitle={t('assistants.subtitle')}
        actions={
          <Link className="button button-primary" to="/assistants/new" data-testid="new-assistant">
            {t('assistants.new')}
          </Link>
        }
      />
      {(assistants.data?.length ?? 0) > 0 && (
        <input
          type="search"
          className="search"
          placeholder={t('assistants.search')}
          aria-label={t('assistants.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="assistant-search"
        />
      )}
      {assistants.isLoading && <Spinner />}
      <ErrorBox error={assistants.error} onRetry={() => void assistants.refetch()} />
      {assistants.data?.length === 0 && (
        <EmptyState
          title={t('chat.noAssistants')}
          action={
            <Link className="button button-primary" to="/assistants/new">
              {t('assistants.createFirst')}
            </Link>
          }
        >
          {t('assistants.emptyText')}
        </EmptyState>
      )}
      {search && shown.length === 0 && (assistants.data?.length ?? 0) > 0 && (
        <p className="muted">{t('assistants.noMatch', { search })}</p>
      )}
      <ul className="card-grid" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="assistant-list">
        {shown.map((a) => (
          <li
            key={a.id}
            className="card"
            data-testid="assistant-card"
            style={a.id === createdId ? { borderColor: 'var(--primary)' } : undefined}
          >
            <h3>{a.name}</h3>
            <p className="muted small" style={{ margin: 0 }}>
              {a.description}
            </p>
            <div className="chips" style={{ marginTop: '0.5rem' }}>
              {a.llm_model_type && <span className="badge">{a.llm_model_type}</span>}
              {a.shared && <span className="badge badge-info">{t('assistants.shared')}</span>}
              {a.project && <span className="badge">{a.project}</span>}
            </div>
            <div className="card-actions">
              <Link
                className="button button-primary button-small"
                to={`/chat?assistant=${encodeURIComponent(a.id)}`}
                data-testid="start-chat"
              >
                {t('assistants.startChat')}
              </Link>
              <Link className="button button-small" to={`/assistants/${a.id}/edit`}>
                {t('message.edit')}
              </Link>
              <Link className="button button-small" to={`/assistants/${a.id}/versions`}>
                {t('assistants.versions')}
              </Link>
              <button type="button" className="button button-small" onClick={() => setDeleting(a)}>
                {t('common.delete')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title={t('assistants.deleteTitle')}
          message={t('assistants.deleteMessage', { name: deleting.name })}
          confirmLabel={t('assistants.delete')}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
