import { useState } from 'react'
import { useNavigate, useParams, useSearchParams } from 'react-router'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { defaultProject } from '../../api/auth'
import { savedWorkflowId, workflowsApi } from '../../api/workflows'
import { useAuth } from '../../auth/AuthContext'
import { ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { canEditWorkflow, templateKey } from './access'
import { formFrom, toRequest, WorkflowForm, type WorkflowFormValues } from './WorkflowForm'
import { RunDialog, WorkflowRuns } from './WorkflowRuns'
import { useTranslation } from 'react-i18next'

/** /workflows/new (blank or `?template=`) and /workflows/:workflowId with its Definition and Runs tabs. */
export default function WorkflowDetail() {
  const { workflowId } = useParams()
  const [params, setParams] = useSearchParams()
  const editing = Boolean(workflowId)
  const template = params.get('template')
  const tab = editing && params.get('tab') === 'runs' ? 'runs' : 'definition'
  const { me } = useAuth()
  const navigate = useNavigate()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [running, setRunning] = useState(false)

  const existing = useQuery({
    queryKey: ['workflow', workflowId],
    queryFn: () => workflowsApi.get(workflowId!),
    enabled: editing,
  })
  const templates = useQuery({
    queryKey: ['workflow-templates'],
    queryFn: workflowsApi.prebuilt,
    enabled: !editing && Boolean(template),
    staleTime: 5 * 60_000,
  })

  if (editing && existing.isLoading) return <Spinner label={t('workflowDetail.loading')} />
  if (editing && existing.error) return <ErrorBox error={existing.error} onRetry={() => void existing.refetch()} />
  if (!editing && template && templates.isLoading) return <Spinner label={t('workflowDetail.loadingTemplate')} />

  const chosen = !editing && template ? templates.data?.find((tpl) => templateKey(tpl) === template) : undefined
  const wf = editing ? existing.data : chosen
  const readOnly = editing && existing.data ? !canEditWorkflow(me, existing.data) : false

  const save = async (values: WorkflowFormValues) => {
    const body = toRequest(values)
    if (editing) {
      await workflowsApi.update(workflowId!, body)
      await queryClient.invalidateQueries({ queryKey: ['workflow', workflowId] })
      await queryClient.invalidateQueries({ queryKey: ['workflows'] })
      toast.info(t('workflowDetail.saved'))
      return
    }
    const result = await workflowsApi.create(body)
    await queryClient.invalidateQueries({ queryKey: ['workflows'] })
    toast.info(t('workflowDetail.created'))
    const id = savedWorkflowId(result)
    navigate(id ? `/workflows/${encodeURIComponent(id)}` : '/workflows', { replace: true })
  }

  const title = editing
    ? (existing.data?.name ?? t('workflowDetail.workflow'))
    : chosen
      ? t('workflowDetail.fromTemplate', { name: chosen.name })
      : t('workflows.newTitle')
  return (
    <div className="page" style={{ maxWidth: 1300 }}>
      <PageHeader
        title={title}
        subtitle={editing ? existing.data?.description : t('workflowDetail.subtitle')}
        actions={
          editing && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setRunning(true)}
              data-testid="header-run"
            >
              {t('workflowDetail.run')}
            </button>
          )
        }
      />
      {running && <RunDialog workflowId={workflowId!} onClose={() => setRunning(false)} />}
      {!editing && template && !chosen && (
        <ErrorBox error={templates.error ?? new Error(t('workflowDetail.noTemplate', { template }))} />
      )}
      {editing && (
        <div className="tabs" role="tablist" aria-label={t('workflowDetail.workflow')}>
          <button
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === 'definition'}
            onClick={() => setParams({})}
            data-testid="tab-definition"
          >
            {t('workflowDetail.definition')}
          </button>
          <button
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === 'runs'}
            onClick={() => setParams({ tab: 'runs' })}
            data-testid="tab-runs"
          >
            {t('workflows.runs')}
          </button>
        </div>
      )}
      {readOnly && tab === 'definition' && (
        <div className="notice" role="status">
          {t('workflowDetail.readOnly')}
        </div>
      )}
      {tab === 'definition' ? (
        <WorkflowForm
          key={`${workflowId ?? 'new'}-${template ?? ''}-${existing.dataUpdatedAt}`}
          initial={formFrom(wf, defaultProject(me))}
          history={editing ? existing.data?.yaml_config_history : undefined}
          editing={editing}
          readOnly={readOnly}
          onSave={save}
        />
      ) : (
        <WorkflowRuns workflowId={workflowId!} />
      )}
    </div>
  )
}
