import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { adminProjects, defaultProject, userIsAdmin, userProjects } from '../../api/auth'
import { describeError } from '../../api/errors'
import { integrationsApi } from '../../api/integrations'
import type { Integration, SettingType } from '../../api/types'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { CopyButton, EmptyState, ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { IntegrationForm } from './IntegrationForm'
import { isSecretKey, MASK, pluginCommand } from './schemas'
import { useTranslation } from 'react-i18next'

function Values({ item }: { item: Integration }) {
  const values = item.credential_values ?? []
  if (values.length === 0) return <span className="muted">—</span>
  return (
    <dl className="small" style={{ margin: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0 0.5rem' }}>
      {values.map((v) => (
        <div key={v.key} style={{ display: 'contents' }}>
          <dt className="muted">{v.key}</dt>
          {isSecretKey(item.credential_type, v.key) ? (
            // Whatever the server returned for a secret, the page shows only a mask.
            <dd style={{ margin: 0 }} data-testid="integration-secret-masked" aria-label={`${v.key}: hidden`}>
              {MASK}
            </dd>
          ) : (
            <dd style={{ margin: 0, wordBreak: 'break-all' }}>
              {typeof v.value === 'boolean' ? (v.value ? 'yes' : 'no') : String(v.value ?? '')}
            </dd>
          )}
        </div>
      ))}
    </dl>
  )
}

export function PluginKeyDialog({
  alias,
  pluginKey,
  engineUri,
  onClose,
}: {
  alias: string
  pluginKey: string
  engineUri: string
  onClose: () => void
}) {
  const command = pluginCommand(pluginKey, engineUri)
  const { t } = useTranslation()
  return (
    <Dialog
      title={t('integrations.pluginKey')}
      onClose={onClose}
      wide
      testId="plugin-key-dialog"
      footer={
        <button type="button" className="button button-primary" onClick={onClose}>
          {t('integrations.copied')}
        </button>
      }
    >
      <p>
        {t('integrations.onlyTime')} <strong>{alias}</strong> {t('integrations.onlyTimeEnd')}
      </p>
      <div className="row">
        <code className="secret-once grow" data-testid="plugin-key">
          {pluginKey}
        </code>
        <CopyButton text={pluginKey} label={t('integrations.copyKey')} testId="copy-plugin-key" />
      </div>
      <p>{t('integrations.startPlugin')}</p>
      <div className="row">
        <code className="secret-once grow" data-testid="plugin-command">
          {command}
        </code>
        <CopyButton text={command} label={t('integrations.copyCommand')} />
      </div>
      <p className="muted small">
        {t('integrations.requires')} <code>uv</code> ({t('integrations.or')} <code>pip install codemie-plugins</code>{' '}
        {t('integrations.andRun')} <code>codemie-plugins</code> {t('integrations.directly')}).
      </p>
    </Dialog>
  )
}

export default function IntegrationsPage() {
  const { me, config } = useAuth()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [tab, setTab] = useState<SettingType>('user')
  const [editing, setEditing] = useState<Integration | 'new' | null>(null)
  const [deleting, setDeleting] = useState<Integration | null>(null)
  const [pluginKey, setPluginKey] = useState<{ alias: string; key: string } | null>(null)

  const canManageProject = userIsAdmin(me) || adminProjects(me).length > 0
  const projects = tab === 'project' && !userIsAdmin(me) ? adminProjects(me) : userProjects(me)
  const list = useQuery({ queryKey: ['integrations', tab], queryFn: () => integrationsApi.list(tab) })

  const remove = useMutation({
    mutationFn: (i: Integration) => integrationsApi.remove(tab, i.id!),
    onSuccess: (_d, i) => {
      toast.info(t('assistants.deleted', { name: i.alias || i.credential_type }))
      setDeleting(null)
      void queryClient.invalidateQueries({ queryKey: ['integrations'] })
      void queryClient.invalidateQueries({ queryKey: ['integrations-all'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const engineUri = config.pluginEngineUri ?? `nats://${window.location.hostname}:4222`

  return (
    <div className="page">
      <PageHeader
        title={t('nav.integrations')}
        subtitle={t('integrations.subtitle')}
        actions={
          (tab === 'user' || canManageProject) && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing('new')}
              data-testid="new-integration"
            >
              {t('integrations.new')}
            </button>
          )
        }
      />
      <div className="tabs" role="tablist" aria-label={t('integrations.scope')}>
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={tab === 'user'}
          onClick={() => setTab('user')}
          data-testid="integrations-tab-user"
        >
          {t('integrations.mine')}
        </button>
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={tab === 'project'}
          onClick={() => setTab('project')}
          data-testid="integrations-tab-project"
        >
          {t('projects.project')}
        </button>
      </div>
      {tab === 'project' && !canManageProject && <p className="muted">{t('integrations.projectNote')}</p>}
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.data?.length === 0 && (
        <EmptyState
          title={tab === 'user' ? t('integrations.none') : t('integrations.noneProject')}
          action={
            (tab === 'user' || canManageProject) && (
              <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
                {t('integrations.add')}
              </button>
            )
          }
        >
          {t('integrations.noneText')}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="integration-list">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('datasources.type')}</th>
                <th>{t('projects.project')}</th>
                <th>{t('integrations.values')}</th>
                <th>{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr key={i.id} data-testid="integration-row" data-alias={i.alias ?? ''}>
                  <td>
                    <strong>{i.alias || '—'}</strong> {i.default && <span className="badge badge-info">default</span>}
                  </td>
                  <td>{i.credential_type}</td>
                  <td>{i.project_name}</td>
                  <td>
                    <Values item={i} />
                  </td>
                  <td>
                    <div className="row" style={{ gap: '0.35rem' }}>
                      <button type="button" className="button button-small" onClick={() => setEditing(i)}>
                        {t('message.edit')}
                      </button>
                      <button type="button" className="button button-small" onClick={() => setDeleting(i)}>
                        {t('common.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <IntegrationForm
          settingType={tab}
          projects={projects}
          defaultProjectName={
            projects.includes(defaultProject(me)) ? defaultProject(me) : (projects[0] ?? defaultProject(me))
          }
          existing={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={({ alias, pluginKey: key }) => {
            toast.info(t('integrations.saved', { name: alias }))
            setEditing(null)
            if (key) setPluginKey({ alias, key })
            void queryClient.invalidateQueries({ queryKey: ['integrations'] })
            void queryClient.invalidateQueries({ queryKey: ['integrations-all'] })
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('integrations.deleteTitle')}
          message={t('integrations.deleteMessage', { name: deleting.alias || deleting.credential_type })}
          confirmLabel={t('integrations.delete')}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
      {pluginKey && (
        <PluginKeyDialog
          alias={pluginKey.alias}
          pluginKey={pluginKey.key}
          engineUri={engineUri}
          onClose={() => setPluginKey(null)}
        />
      )}
    </div>
  )
}
