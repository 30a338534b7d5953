import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { datasourceName, datasourcesApi, datasourceType, reindexModes, type ReindexMode } from '../../api/datasources'
import { describeError } from '../../api/errors'
import type { DataSourceRaw } from '../../api/types'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, ProgressBar, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { datasourceStatus, isActive, typeLabel } from './status'
import { useTranslation } from 'react-i18next'

const POLL_MS = 2000

function StatusCell({ ds }: { ds: DataSourceRaw }) {
  const { t } = useTranslation()
  const st = datasourceStatus(ds)
  const badge = st.state === 'done' ? 'badge-success' : st.state === 'failed' ? 'badge-danger' : 'badge-info'
  return (
    <div className="datasource-status" data-testid="datasource-status" data-state={st.state}>
      <span className={`badge ${badge}`}>{st.label}</span>
      {st.state !== 'failed' && (
        <div style={{ marginTop: '0.35rem', minWidth: 160 }}>
          <ProgressBar
            value={st.percent}
            label={t('datasources.progressOf', { name: datasourceName(ds) })}
            testId="datasource-progress"
          />
        </div>
      )}
      {st.message && (
        <div
          className={`small ${st.state === 'failed' ? 'field-message' : 'muted'}`}
          role={st.state === 'failed' ? 'alert' : undefined}
        >
          {st.message}
        </div>
      )}
    </div>
  )
}

export default function DatasourcesPage() {
  const [params] = useSearchParams()
  const highlighted = params.get('created')
  const toast = useToast()
  const { t } = useTranslation()
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
      toast.info(
        mode === 'full'
          ? t('datasources.fullStarted', { name: datasourceName(ds) })
          : t('datasources.incrementalStarted', { name: datasourceName(ds) }),
      )
      void queryClient.invalidateQueries({ queryKey: ['datasources'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })
  const remove = useMutation({
    mutationFn: (ds: DataSourceRaw) => datasourcesApi.remove(ds.id),
    onSuccess: (_d, ds) => {
      toast.info(t('assistants.deleted', { name: datasourceName(ds) }))
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['datasources'] })
      void queryClient.invalidateQueries({ queryKey: ['assistant-context'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  return (
    <div className="page">
      <PageHeader
        title={t('nav.datasources')}
        subtitle={t('datasources.subtitle')}
        actions={
          <Link className="button button-primary" to="/datasources/new" data-testid="new-datasource">
            {t('datasources.new')}
          </Link>
        }
      />
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.data?.length === 0 && (
        <EmptyState
          title={t('datasources.none')}
          action={
            <Link className="button button-primary" to="/datasources/new">
              {t('datasources.add')}
            </Link>
          }
        >
          {t('datasources.noneText')}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="datasource-list">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('datasources.type')}</th>
                <th>{t('projects.project')}</th>
                <th>{t('users.status')}</th>
                <th>{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((ds) => {
                const type = datasourceType(ds)
                const name = datasourceName(ds)
                const busy = isActive(ds)
                return (
                  <tr
                    key={ds.id}
                    data-testid="datasource-row"
                    data-name={name}
                    style={name === highlighted ? { outline: '2px solid var(--primary)' } : undefined}
                  >
                    <td>
                      <strong>{name}</strong>
                      {ds.description && <div className="muted small">{ds.description}</div>}
                    </td>
                    <td>{typeLabel(type)}</td>
                    <td>{ds.project_name}</td>
                    <td style={{ minWidth: 220 }}>
                      <StatusCell ds={ds} />
                    </td>
                    <td>
                      <div className="row" style={{ gap: '0.35rem' }}>
                        {reindexModes(type).map((mode) => (
                          <button
                            key={mode}
                            type="button"
                            className="button button-small"
                            disabled={busy || reindex.isPending}
                            onClick={() => reindex.mutate({ ds, mode })}
                            title={mode === 'full' ? t('datasources.fullHint') : t('datasources.incrementalHint')}
                          >
                            {mode === 'full' ? t('datasources.full') : t('datasources.incremental')}
                          </button>
                        ))}
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setDeleting(ds)}
                          data-testid="datasource-delete"
                        >
                          {t('common.delete')}
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
          title={t('datasources.deleteTitle')}
          message={t('datasources.deleteMessage', { name: datasourceName(deleting) })}
          confirmLabel={t('datasources.delete')}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
