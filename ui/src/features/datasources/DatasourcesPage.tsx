import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { datasourceName, datasourcesApi, datasourceType, reindexModes, type ReindexMode } from '../../api/datasources'
import { describeError } from '../../api/errors'
import type { DataSourceRaw } from '../../api/types'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, ProgressBar, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { datasourceStatus, isActive, TYPE_LABELS } from './status'

const POLL_MS = 2000

function StatusCell({ ds }: { ds: DataSourceRaw }) {
  const st = datasourceStatus(ds)
  const badge = st.state === 'done' ? 'badge-success' : st.state === 'failed' ? 'badge-danger' : 'badge-info'
  return (
    <div className="datasource-status" data-testid="datasource-status" data-state={st.state}>
      <span className={`badge ${badge}`}>{st.label}</span>
      {st.state !== 'failed' && (
        <div style={{ marginTop: '0.35rem', minWidth: 160 }}>
          <ProgressBar value={st.percent} label={`Indexing progress of ${datasourceName(ds)}`} testId="datasource-progress" />
        </div>
      )}
      {st.message && <div className={`small ${st.state === 'failed' ? 'field-message' : 'muted'}`} role={st.state === 'failed' ? 'alert' : undefined}>{st.message}</div>}
    </div>
  )
}

export default function DatasourcesPage() {
  const [params] = useSearchParams()
  const highlighted = params.get('created')
  const toast = useToast()
  const queryClient = useQueryClient()
  const [deleting, setDeleting] = useState<DataSourceRaw | null>(null)
  const list = useQuery({
    queryKey: ['datasources'],
    queryFn: datasourcesApi.list,
    // Poll while anything is indexing so the progress bars move; stop when all are settled.
    refetchInterval: (q) => ((q.state.data ?? []).some(isActive) ? POLL_MS : false),
  })

  const reindex = useMutation({
    mutationFn: ({ ds, mode }: { ds: DataSourceRaw; mode: ReindexMode }) => datasourcesApi.reindex(ds, mode),
    onSuccess: (_d, { ds, mode }) => {
      toast.info(`${mode === 'full' ? 'Full' : 'Incremental'} reindex of “${datasourceName(ds)}” started.`)
      void queryClient.invalidateQueries({ queryKey: ['datasources'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })
  const remove = useMutation({
    mutationFn: (ds: DataSourceRaw) => datasourcesApi.remove(ds.id),
    onSuccess: (_d, ds) => {
      toast.info(`“${datasourceName(ds)}” was deleted.`)
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['datasources'] })
      void queryClient.invalidateQueries({ queryKey: ['assistant-context'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  return (
    <div className="page">
      <PageHeader
        title="Datasources"
        subtitle="Documents, repositories and trackers your assistants can search and quote."
        actions={<Link className="button button-primary" to="/datasources/new" data-testid="new-datasource">+ New datasource</Link>}
      />
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.data?.length === 0 && (
        <EmptyState title="No datasources yet" action={<Link className="button button-primary" to="/datasources/new">Add a datasource</Link>}>
          Upload documents, or connect a Git repository, Confluence space or Jira project. Then attach it to an assistant.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="datasource-list">
            <thead>
              <tr><th>Name</th><th>Type</th><th>Project</th><th>Status</th><th>Actions</th></tr>
            </thead>
            <tbody>
              {list.data.map((ds) => {
                const type = datasourceType(ds)
                const name = datasourceName(ds)
                const busy = isActive(ds)
                return (
                  <tr key={ds.id} data-testid="datasource-row" data-name={name} style={name === highlighted ? { outline: '2px solid var(--primary)' } : undefined}>
                    <td>
                      <strong>{name}</strong>
                      {ds.description && <div className="muted small">{ds.description}</div>}
                    </td>
                    <td>{TYPE_LABELS[type] ?? type}</td>
                    <td>{ds.project_name}</td>
                    <td style={{ minWidth: 220 }}><StatusCell ds={ds} /></td>
                    <td>
                      <div className="row" style={{ gap: '0.35rem' }}>
                        {reindexModes(type).map((mode) => (
                          <button
                            key={mode}
                            type="button"
                            className="button button-small"
                            disabled={busy || reindex.isPending}
                            onClick={() => reindex.mutate({ ds, mode })}
                            title={mode === 'full' ? 'Index everything again from scratch' : 'Index only what changed since the last run'}
                          >
                            {mode === 'full' ? 'Full reindex' : 'Incremental'}
                          </button>
                        ))}
                        <button type="button" className="button button-small" onClick={() => setDeleting(ds)} data-testid="datasource-delete">
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete datasource?"
          message={`“${datasourceName(deleting)}” and its index will be deleted. Assistants using it will no longer find its content.`}
          confirmLabel="Delete datasource"
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
