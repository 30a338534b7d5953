import { useEffect, useMemo, useState } from 'react'
import { Link, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { describeError } from '../../api/errors'
import type { ExecutionStatus, WorkflowExecutionState, WorkflowExecutionThought } from '../../api/types'
import { workflowsApi } from '../../api/workflows'
import { ConfirmDialog } from '../../components/Dialog'
import { ErrorBox, Field, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { MermaidDiagram } from '../chat/MermaidDiagram'
import { workflowToMermaid } from './diagram'
import { isActive, StatusBadge, when } from './status'
import { parseWorkflowYaml } from './yamlModel'
import { useTranslation } from 'react-i18next'
import { formatNumber } from '../../i18n/format'

const POLL_MS = 1000

function ThoughtTree({ thoughts }: { thoughts: WorkflowExecutionThought[] }) {
  return (
    <ul className="list" style={{ marginLeft: '0.5rem' }}>
      {thoughts.map((t) => (
        <li key={t.id} className="thought" data-testid="state-thought">
          <div className="thought-body" style={{ paddingTop: '0.4rem' }}>
            <strong>{t.author_name}</strong> <span className="muted small">{t.author_type}</span>
            {t.input_text && <pre>{t.input_text}</pre>}
            {t.content && <pre>{t.content}</pre>}
            {t.children?.length > 0 && <ThoughtTree thoughts={t.children} />}
          </div>
        </li>
      ))}
    </ul>
  )
}

function StateThoughts({
  workflowId,
  executionId,
  state,
}: {
  workflowId: string
  executionId: string
  state: WorkflowExecutionState
}) {
  const [open, setOpen] = useState(false)
  const { t } = useTranslation()
  const ids = (state.thoughts ?? []).map((th) => th.id)
  const thoughts = useQuery({
    queryKey: ['workflow-thoughts', executionId, state.id, ids.join(',')],
    queryFn: () => workflowsApi.thoughts(workflowId, executionId, ids),
    enabled: open && ids.length > 0,
  })
  if (ids.length === 0) return null
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="small">{t('execution.thoughts', { n: formatNumber(ids.length) })}</summary>
      {thoughts.isLoading && <Spinner label={t('execution.loadingThoughts')} />}
      <ErrorBox error={thoughts.error} />
      {thoughts.data && <ThoughtTree thoughts={thoughts.data} />}
    </details>
  )
}

function StateCard({
  workflowId,
  executionId,
  state,
  editable,
}: {
  workflowId: string
  executionId: string
  state: WorkflowExecutionState
  editable: boolean
}) {
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  // The states list may carry the output; otherwise it is read once the state has finished.
  const finished = state.status === 'Succeeded' || state.status === 'Failed'
  const key = ['workflow-state-output', executionId, state.id, state.status]
  const output = useQuery({
    queryKey: key,
    queryFn: () => workflowsApi.stateOutput(workflowId, executionId, state.id),
    enabled: finished && state.output == null,
  })
  const text = state.output ?? output.data?.output ?? null
  const [draft, setDraft] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: (value: string) => workflowsApi.editOutput(workflowId, executionId, state.id, value),
    onSuccess: (_d, value) => {
      queryClient.setQueryData(key, { output: value })
      setDraft(null)
      toast.info(t('execution.outputChanged', { name: state.name }))
    },
    onError: (e) => toast.error(describeError(e)),
  })
  const canEdit = editable && state.status === 'Succeeded' && text != null
  return (
    <li className="card state-card" data-testid="execution-state" data-state={state.name} data-status={state.status}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3 style={{ margin: 0 }}>{state.name}</h3>
        <StatusBadge status={state.status} testId="state-status" />
      </div>
      <div className="muted small">
        {state.started_at ? t('execution.started', { when: when(state.started_at) }) : t('execution.notStarted')}
        {state.completed_at ? t('execution.finished', { when: when(state.completed_at) }) : ''}
      </div>
      {draft != null ? (
        <div className="form" style={{ gap: '0.4rem' }}>
          <textarea
            aria-label={t('execution.outputOf', { name: state.name })}
            rows={6}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="state-output-edit"
          />
          <div className="row">
            <button
              type="button"
              className="button button-primary button-small"
              onClick={() => save.mutate(draft)}
              disabled={save.isPending}
              data-testid="state-output-save"
            >
              {save.isPending ? t('common.saving') : t('execution.saveOutput')}
            </button>
            <button type="button" className="button button-small" onClick={() => setDraft(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        text != null && text !== '' && <pre data-testid="state-output">{text}</pre>
      )}
      {canEdit && draft == null && (
        <div className="row">
          <button
            type="button"
            className="button button-small"
            onClick={() => setDraft(text ?? '')}
            aria-label={t('execution.editOutputOf', { name: state.name })}
            data-testid="state-output-edit-start"
          >
            {t('execution.editOutput')}
          </button>
        </div>
      )}
      <StateThoughts workflowId={workflowId} executionId={executionId} state={state} />
    </li>
  )
}

/** The task a state of the YAML gives, to show (and let the approver edit) before it runs. */
export function taskOf(config: Record<string, unknown> | null, stateId: string): string {
  const states = Array.isArray(config?.states) ? (config.states as { id?: unknown; task?: unknown }[]) : []
  const task = states.find((s) => s?.id === stateId)?.task
  return typeof task === 'string' ? task : ''
}

/** The approval panel of an interrupted run: the task the next state will do, editable, then resume. */
function Approval({
  workflowId,
  executionId,
  waiting,
  task,
  onDone,
}: {
  workflowId: string
  executionId: string
  waiting: string[]
  task: string
  onDone: () => void
}) {
  const toast = useToast()
  const { t } = useTranslation()
  const [text, setText] = useState(task)
  const resume = useMutation({
    // Only an edited task is sent: an empty body resumes with the task the YAML gives.
    mutationFn: () => workflowsApi.resume(workflowId, executionId, text !== task ? text : undefined),
    onSuccess: () => {
      toast.info(t('execution.approved'))
      onDone()
    },
    onError: (e) => toast.error(describeError(e)),
  })
  const next = waiting.join(', ')
  return (
    <section className="card approval form" aria-label={t('execution.approval')} data-testid="approval-panel">
      <h2 style={{ margin: 0 }}>{next ? t('execution.waitingNext', { next }) : t('execution.waiting')}</h2>
      <p className="muted small" style={{ margin: 0 }}>
        {waiting.length > 1 ? t('execution.nextMany') : t('execution.nextOne')}
        {waiting.length <= 1 ? t('execution.changeTask') : ''} {t('execution.editBelow')}
      </p>
      {waiting.length <= 1 && (
        <Field label={next ? t('execution.taskFor', { next }) : t('execution.taskForNext')} htmlFor="approval-task">
          <textarea
            id="approval-task"
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="approval-task"
          />
        </Field>
      )}
      <div className="row">
        <button
          type="button"
          className="button button-primary"
          onClick={() => resume.mutate()}
          disabled={resume.isPending}
          data-testid="approve-continue"
        >
          {resume.isPending ? t('execution.continuing') : t('execution.approve')}
        </button>
      </div>
    </section>
  )
}

export default function ExecutionView() {
  const { workflowId = '', executionId = '' } = useParams()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [confirmAbort, setConfirmAbort] = useState(false)
  const [after, setAfter] = useState(0)

  const workflow = useQuery({ queryKey: ['workflow', workflowId], queryFn: () => workflowsApi.get(workflowId) })
  const execution = useQuery({
    queryKey: ['workflow-execution', workflowId, executionId],
    queryFn: () => workflowsApi.execution(workflowId, executionId),
    refetchInterval: (q) => (isActive(q.state.data?.overall_status) || Date.now() < after ? POLL_MS : false),
  })
  const status = execution.data?.overall_status
  const states = useQuery({
    queryKey: ['workflow-states', workflowId, executionId],
    queryFn: () => workflowsApi.states(workflowId, executionId),
    refetchInterval: isActive(status) || Date.now() < after ? POLL_MS : false,
  })
  // A finished run is read once more so the last state's status and output are not missed.
  useEffect(() => {
    if (status && !isActive(status))
      void queryClient.invalidateQueries({ queryKey: ['workflow-states', workflowId, executionId] })
  }, [status, workflowId, executionId, queryClient])

  const abort = useMutation({
    mutationFn: () => workflowsApi.abort(workflowId, executionId),
    onSuccess: () => {
      toast.info(t('execution.aborted'))
      setConfirmAbort(false)
      void execution.refetch()
      void states.refetch()
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const list = useMemo(() => states.data ?? [], [states.data])
  const config = useMemo(() => parseWorkflowYaml(workflow.data?.yaml_config ?? '').value, [workflow.data?.yaml_config])
  const diagram = useMemo(() => {
    const statuses: Record<string, ExecutionStatus> = {}
    for (const s of list) statuses[s.name] = s.status
    return workflowToMermaid(config, statuses)
  }, [config, list])
  const waiting = execution.data?.waiting_states ?? []

  if (execution.isLoading) return <Spinner label={t('execution.loadingRun')} />
  if (execution.error) return <ErrorBox error={execution.error} onRetry={() => void execution.refetch()} />
  const canAbort = status === 'In Progress' || status === 'Not Started' || status === 'Interrupted'

  return (
    <div className="page" style={{ maxWidth: 1300 }}>
      <PageHeader
        title={t('execution.runOf', { name: workflow.data?.name ?? t('execution.workflow') })}
        subtitle={
          <>
            {t('execution.started', { when: when(execution.data?.date) })} ·{' '}
            <StatusBadge status={status} testId="execution-status" />
          </>
        }
        actions={
          <>
            <Link className="button" to={`/workflows/${encodeURIComponent(workflowId)}?tab=runs`}>
              {t('execution.allRuns')}
            </Link>
            {canAbort && (
              <button
                type="button"
                className="button button-danger"
                onClick={() => setConfirmAbort(true)}
                data-testid="abort-run"
              >
                {t('execution.abort')}
              </button>
            )}
          </>
        }
      />
      {execution.data?.error && (
        <div className="error-box" role="alert" data-testid="execution-error">
          {execution.data.error}
        </div>
      )}
      {execution.data?.output && status === 'Succeeded' && (
        <section className="card" aria-label={t('execution.result')}>
          <h2>{t('execution.result')}</h2>
          <pre className="user-text" style={{ margin: 0 }} data-testid="execution-output">
            {execution.data.output}
          </pre>
        </section>
      )}
      {execution.data?.prompt && (
        <div className="card small">
          <strong>{t('execution.input')}</strong> <span className="user-text">{execution.data.prompt}</span>
        </div>
      )}
      {status === 'Interrupted' && (
        <Approval
          key={`${waiting.join(',')}-${Boolean(workflow.data)}`}
          workflowId={workflowId}
          executionId={executionId}
          waiting={waiting}
          task={waiting.length === 1 ? taskOf(config, waiting[0]) : ''}
          onDone={() => {
            // Keep polling for a moment: the server may report the resumed run a beat later.
            setAfter(Date.now() + 5000)
            void execution.refetch()
            void states.refetch()
          }}
        />
      )}
      <div className="workflow-layout">
        <section aria-label={t('execution.states')}>
          {states.isLoading && <Spinner label={t('execution.loadingStates')} />}
          <ErrorBox error={states.error} onRetry={() => void states.refetch()} />
          {states.data && list.length === 0 && <p className="muted">{t('execution.noState')}</p>}
          <ol className="list" style={{ padding: 0 }} data-testid="execution-states" aria-live="polite">
            {list.map((s) => (
              <StateCard
                key={s.id}
                workflowId={workflowId}
                executionId={executionId}
                state={s}
                editable={status === 'Interrupted'}
              />
            ))}
          </ol>
        </section>
        <section className="card" aria-label={t('execution.diagramOf')}>
          <h2>{t('execution.diagram')}</h2>
          {diagram ? <MermaidDiagram code={diagram} /> : <p className="muted small">{t('execution.noDiagram')}</p>}
        </section>
      </div>
      {confirmAbort && (
        <ConfirmDialog
          title={t('execution.abortTitle')}
          message={t('execution.abortMessage')}
          confirmLabel={t('execution.abortRun')}
          danger
          busy={abort.isPending}
          onConfirm={() => abort.mutate()}
          onCancel={() => setConfirmAbort(false)}
        />
      )}
    </div>
  )
}
