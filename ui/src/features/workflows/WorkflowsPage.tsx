import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { defaultProject, userProjects } from '../../api/auth'
import { describeError } from '../../api/errors'
import type { Workflow } from '../../api/types'
import { workflowsApi, type WorkflowScope } from '../../api/workflows'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, Pager, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { canEditWorkflow, templateKey } from './access'
import { useTranslation } from 'react-i18next'

const SCOPES: { id: WorkflowScope; label: string }[] = [
  { id: 'mine', label: 'Mine' },
  { id: 'project', label: 'Project' },
  { id: 'shared', label: 'Shared with me' },
]

/** Picks a prebuilt template or a blank workflow, then opens the editor with it. */
function NewWorkflowDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate()
  const templates = useQuery({
    queryKey: ['workflow-templates'],
    queryFn: workflowsApi.prebuilt,
    staleTime: 5 * 60_000,
  })
  const [filter, setFilter] = useState('')
  const { t } = useTranslation()
  const shown = (templates.data ?? []).filter((tpl) =>
    `${tpl.name} ${tpl.description ?? ''}`.toLowerCase().includes(filter.trim().toLowerCase()),
  )
  return (
    <Dialog title={t('workflows.newTitle')} onClose={onClose} wide testId="new-workflow-dialog">
      <div className="row">
        <button
          type="button"
          className="button button-primary"
          onClick={() => navigate('/workflows/new')}
          data-testid="blank-workflow"
        >
          {t('workflows.blank')}
        </button>
        <span className="muted small">{t('workflows.orTemplate')}</span>
      </div>
      <input
        type="search"
        placeholder={t('workflows.searchTemplates')}
        aria-label={t('workflows.searchTemplates')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {templates.isLoading && <Spinner label={t('workflows.loadingTemplates')} />}
      <ErrorBox error={templates.error} onRetry={() => void templates.refetch()} />
      {templates.data?.length === 0 && <p className="muted">{t('workflows.noTemplates')}</p>}
      <ul className="card-grid" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="template-list">
        {shown.map((tpl) => (
          <li key={templateKey(tpl)} className="card">
            <h3>{tpl.name}</h3>
            <p className="muted small" style={{ margin: 0 }}>
              {tpl.description}
            </p>
            <div className="card-actions">
              <button
                type="button"
                className="button button-small"
                onClick={() => navigate(`/workflows/new?template=${encodeURIComponent(templateKey(tpl))}`)}
                data-testid="use-template"
                aria-label={t('workflows.useTemplateNamed', { name: tpl.name })}
              >
                {t('workflows.useTemplate')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </Dialog>
  )
}

export default function WorkflowsPage() {
  const { me } = useAuth()
  const toast = useToast()
  const { t } = useTranslation()
  const scopeLabel = (id: WorkflowScope) =>
    id === 'mine' ? t('integrations.mine') : id === 'project' ? t('projects.project') : t('workflows.sharedWithMe')
  const queryClient = useQueryClient()
  const projects = userProjects(me)
  const [scope, setScope] = useState<WorkflowScope>('mine')
  const [chosenProject, setProject] = useState('')
  // The user is read after the first render: fall back to their default project until one is chosen.
  const project = chosenProject || defaultProject(me)
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<Workflow | null>(null)

  const list = useQuery({
    queryKey: ['workflows', scope, scope === 'project' ? project : '', search.trim(), page],
    queryFn: () => workflowsApi.list(scope, page, search, project),
    placeholderData: (previous) => previous,
  })

  const remove = useMutation({
    mutationFn: (wf: Workflow) => workflowsApi.remove(wf.id!),
    onSuccess: (_d, wf) => {
      toast.info(t('assistants.deleted', { name: wf.name }))
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['workflows'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const items = list.data?.items ?? []
  return (
    <div className="page">
      <PageHeader
        title={t('nav.workflows')}
        subtitle={t('workflows.subtitle')}
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => setCreating(true)}
            data-testid="new-workflow"
          >
            {t('workflows.new')}
          </button>
        }
      />
      <div className="tabs" role="tablist" aria-label={t('workflows.which')}>
        {SCOPES.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            className="tab"
            aria-selected={scope === s.id}
            onClick={() => {
              setScope(s.id)
              setPage(0)
            }}
            data-testid={`workflow-scope-${s.id}`}
          >
            {scopeLabel(s.id)}
          </button>
        ))}
      </div>
      <div className="row">
        <input
          type="search"
          className="search"
          placeholder={t('workflows.search')}
          aria-label={t('workflows.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value)
            setPage(0)
          }}
          data-testid="workflow-search"
        />
        {scope === 'project' && projects.length > 0 && (
          <select
            aria-label={t('projects.project')}
            value={project}
            onChange={(e) => {
              setProject(e.target.value)
              setPage(0)
            }}
            style={{ width: 'auto' }}
            data-testid="workflow-project"
          >
            {projects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        )}
      </div>
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.data &&
        items.length === 0 &&
        (search.trim() ? (
          <p className="muted">{t('workflows.noMatch', { search: search.trim() })}</p>
        ) : (
          <EmptyState
            title={scope === 'shared' ? t('workflows.nothingShared') : t('workflows.none')}
            action={
              <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
                {t('workflows.create')}
              </button>
            }
          >
            {t('workflows.noneText')}
          </EmptyState>
        ))}
      <ul className="card-grid" style={{ listStyle: 'none', padding: 0, margin: 0 }} data-testid="workflow-list">
        {items.map((wf) => (
          <li key={wf.id ?? wf.name} className="card" data-testid="workflow-card">
            <h3>
              <Link to={`/workflows/${wf.id}`}>{wf.name}</Link>
            </h3>
            <p className="muted small" style={{ margin: 0 }}>
              {wf.description}
            </p>
            <div className="chips" style={{ marginTop: '0.5rem' }}>
              <span className="badge">{wf.project}</span>
              {wf.shared && <span className="badge badge-info">{t('assistants.shared')}</span>}
              {wf.created_by?.name && <span className="badge">{t('workflows.by', { name: wf.created_by.name })}</span>}
            </div>
            <div className="card-actions">
              <Link className="button button-primary button-small" to={`/workflows/${wf.id}?tab=runs`}>
                {t('workflows.runs')}
              </Link>
              <Link className="button button-small" to={`/workflows/${wf.id}`}>
                {canEditWorkflow(me, wf) ? t('message.edit') : t('workflows.view')}
              </Link>
              {canEditWorkflow(me, wf) && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setDeleting(wf)}
                  aria-label={t('conversations.deleteNamed', { name: wf.name })}
                  data-testid="workflow-delete"
                >
                  {t('common.delete')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {list.data && (
        <Pager
          label={t('workflows.pages')}
          page={list.data.page}
          perPage={list.data.perPage}
          total={list.data.total}
          onPage={setPage}
        />
      )}
      {creating && <NewWorkflowDialog onClose={() => setCreating(false)} />}
      {deleting && (
        <ConfirmDialog
          title={t('workflows.deleteTitle')}
          message={t('workflows.deleteMessage', { name: deleting.name })}
          confirmLabel={t('workflows.delete')}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
