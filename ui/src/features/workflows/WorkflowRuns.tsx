import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { describeError } from '../../api/errors'
import type { WorkflowExecution } from '../../api/types'
import { workflowsApi } from '../../api/workflows'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { useToast } from '../../components/Toasts'
import { EmptyState, ErrorBox, Field, Pager, Spinner } from '../../components/ui'
import { isActive, StatusBadge, when } from './status'
import { useTranslation } from 'react-i18next'

const PER_PAGE = 10

/** Start a run with optional input, then watch it. */
export function RunDialog({ workflowId, onClose }: { workflowId: string; onClose: () => void }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const { t } = useTranslation()
  const [input, setInput] = useState('')
  const run = useMutation({
    mutationFn: () => workflowsApi.run(workflowId, input.trim() || undefined),
    onSuccess: (execution) => {
      void queryClient.invalidateQueries({ queryKey: ['workflow-executions', workflowId] })
      const id = execution?.execution_id ?? execution?.id
      navigate(
        id
          ? `/workflows/${encodeURIComponent(workflowId)}/executions/${encodeURIComponent(id)}`
          : `/workflows/${encodeURIComponent(workflowId)}?tab=runs`,
      )
    },
  })
  return (
    <Dialog
      title={t('runs.runWorkflow')}
      onClose={onClose}
      testId="run-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => run.mutate()}
            disabled={run.isPending}
            data-testid="run-start"
          >
            {run.isPending ? t('runs.starting') : t('runs.run')}
          </button>
        </>
      }
    >
      <Field label={t('runs.inputOptional')} htmlFor="run-input" hint={t('runs.inputHint')}>
        <textarea
          id="run-input"
          rows={5}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          data-testid="run-input"
        />
      </Field>
      {run.error && (
        <div className="error-box" role="alert">
          {describeError(run.error)}
        </div>
      )}
    </Dialog>
  )
}

/** The runs of one workflow, newest first, with a Run button. */
export function WorkflowRuns({ workflowId }: { workflowId: string }) {
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [page, setPage] = useState(0)
  const [running, setRunning] = useState(false)
  const [deleting, setDeleting] = useState<WorkflowExecution | null>(null)
  const remove = useMutation({
    mutationFn: (e: WorkflowExecution) => workflowsApi.removeExecution(workflowId, e.execution_id ?? e.id),
    onSuccess: () => {
      toast.info(t('runs.deleted'))
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['workflow-executions', workflowId] })
    },
    onError: (e) => toast.error(describeError(e)),
  })
  const runs = useQuery({
    queryKey: ['workflow-executions', workflowId, page],
    queryFn: () => workflowsApi.executions(workflowId, page, PER_PAGE),
    placeholderData: (previous) => previous,
    // Runs change on their own: always re-read the list when it is shown.
    staleTime: 0,
    // Keep the list fresh while a run on this page is still going.
    refetchInterval: (q) => (q.state.data?.items.some((e) => isActive(e.overall_status)) ? 2000 : false),
  })
  const items = runs.data?.items ?? []
  return (
    <section className="form" aria-label={t('workflows.runs')}>
      <div className="row">
        <button
          type="button"
          className="button button-primary"
          onClick={() => setRunning(true)}
          data-testid="run-workflow"
        >
          {t('runs.runButton')}
        </button>
      </div>
      {runs.isLoading && <Spinner />}
      <ErrorBox error={runs.error} onRetry={() => void runs.refetch()} />
      {runs.data && items.length === 0 && <EmptyState title={t('runs.none')}>{t('runs.noneText')}</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="execution-list">
            <thead>
              <tr>
                <th>{t('runs.started')}</th>
                <th>{t('thoughts.input')}</th>
                <th>{t('users.status')}</th>
                <th>{t('versions.by')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.execution_id ?? e.id} data-testid="execution-row">
                  <td className="small">{when(e.date)}</td>
                  <td
                    className="small"
                    style={{ maxWidth: 360, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                  >
                    {e.prompt || <span className="muted">no input</span>}
                  </td>
                  <td>
                    <StatusBadge status={e.overall_status} />
                  </td>
                  <td className="small">{e.created_by?.name || e.created_by?.username || '—'}</td>
                  <td>
                    <div className="row" style={{ gap: '0.35rem', flexWrap: 'nowrap' }}>
                      <Link
                        className="button button-small"
                        to={`/workflows/${encodeURIComponent(workflowId)}/executions/${encodeURIComponent(e.execution_id ?? e.id)}`}
                      >
                        {t('runs.open')}
                      </Link>
                      {!isActive(e.overall_status) && (
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setDeleting(e)}
                          aria-label={t('runs.deleteOf', { when: when(e.date) })}
                          data-testid="execution-delete"
                        >
                          {t('common.delete')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.data && (
        <Pager
          label={t('runs.pages')}
          page={runs.data.page}
          perPage={runs.data.perPage}
          total={runs.data.total}
          onPage={setPage}
        />
      )}
      {running && <RunDialog workflowId={workflowId} onClose={() => setRunning(false)} />}
      {deleting && (
        <ConfirmDialog
          title={t('runs.deleteTitle')}
          message={t('runs.deleteMessage')}
          confirmLabel={t('runs.delete')}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  )
}
