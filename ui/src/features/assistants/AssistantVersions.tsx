import { useMemo, useState } from 'react'
import { Link, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { assistantsApi } from '../../api/assistants'
import { describeError } from '../../api/errors'
import type { AssistantVersion } from '../../api/types'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { diffLines } from '../../lib/diff'
import i18n from '../../i18n'
import { formatDateTime, formatNumber } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

const summaryOf = (v: AssistantVersion) => ({
  [i18n.t('chatSettings.model')]: v.llm_model_type ?? '—',
  [i18n.t('versions.temperature')]: v.temperature == null ? i18n.t('versions.default') : formatNumber(v.temperature),
  [i18n.t('versions.tools')]:
    (v.toolkits ?? []).flatMap((t) => t.tools.map((x) => x.label || x.name)).join(', ') || '—',
  [i18n.t('nav.datasources')]: (v.context ?? []).map((c) => c.name).join(', ') || '—',
  [i18n.t('assistantEditor.variables')]: (v.prompt_variables ?? []).map((p) => p.key).join(', ') || '—',
  [i18n.t('common.description')]: v.description ?? '—',
})

export function VersionCompare({ older, newer }: { older: AssistantVersion; newer: AssistantVersion }) {
  const a = summaryOf(older)
  const b = summaryOf(newer)
  const lines = useMemo(() => diffLines(older.system_prompt ?? '', newer.system_prompt ?? ''), [older, newer])
  const changedPrompt = lines.some((l) => l.kind !== 'same')
  const { t } = useTranslation()
  return (
    <section className="card" aria-label={t('versions.comparison')} data-testid="version-compare">
      <h2>{t('versions.compareTitle', { older: older.version_number, newer: newer.version_number })}</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('versions.setting')}</th>
              <th>v{older.version_number}</th>
              <th>v{newer.version_number}</th>
            </tr>
          </thead>
          <tbody>
            {(Object.keys(a) as (keyof typeof a)[]).map((k) => (
              <tr key={k} style={a[k] !== b[k] ? { fontWeight: 600 } : undefined}>
                <td>
                  {k}
                  {a[k] !== b[k] && (
                    <span className="badge badge-info" style={{ marginLeft: '0.4rem' }}>
                      changed
                    </span>
                  )}
                </td>
                <td>{a[k]}</td>
                <td>{b[k]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3 style={{ marginTop: '1rem' }}>
        {t('assistantEditor.systemPrompt')} {changedPrompt ? '' : t('versions.unchanged')}
      </h3>
      {changedPrompt && (
        <div className="diff">
          {lines.map((l, i) => (
            <div key={i} className={`diff-line${l.kind === 'add' ? ' diff-add' : l.kind === 'del' ? ' diff-del' : ''}`}>
              {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}
              {l.text}
            </div>
          ))}
        </div>
      )}
    </section>
  )
}

export default function AssistantVersions() {
  const { assistantId = '' } = useParams()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const assistant = useQuery({ queryKey: ['assistant', assistantId], queryFn: () => assistantsApi.get(assistantId) })
  const versions = useQuery({
    queryKey: ['assistant-versions', assistantId],
    queryFn: () => assistantsApi.versions(assistantId),
  })
  const [picked, setPicked] = useState<number[]>([])
  const [rollingBack, setRollingBack] = useState<AssistantVersion | null>(null)

  const sorted = useMemo(
    () => [...(versions.data ?? [])].sort((a, b) => b.version_number - a.version_number),
    [versions.data],
  )
  const latest = sorted[0]?.version_number
  const compared =
    picked.length === 2
      ? picked
          .map((n) => sorted.find((v) => v.version_number === n)!)
          .sort((a, b) => a.version_number - b.version_number)
      : null

  const rollback = useMutation({
    mutationFn: (v: AssistantVersion) =>
      assistantsApi.rollback(assistantId, v.version_number, `Rolled back to version ${v.version_number}`),
    onSuccess: (_d, v) => {
      toast.info(t('versions.rolledBack', { n: v.version_number }))
      setRollingBack(null)
      setPicked([])
      void queryClient.invalidateQueries({ queryKey: ['assistant-versions', assistantId] })
      void queryClient.invalidateQueries({ queryKey: ['assistant', assistantId] })
      void queryClient.invalidateQueries({ queryKey: ['assistants'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const toggle = (n: number) => setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]))

  return (
    <div className="page">
      <PageHeader
        title={assistant.data ? t('versions.titleOf', { name: assistant.data.name }) : t('assistants.versions')}
        subtitle={t('versions.subtitle')}
        actions={
          <Link className="button" to={`/assistants/${assistantId}/edit`}>
            {t('chat.editAssistant')}
          </Link>
        }
      />
      {versions.isLoading && <Spinner />}
      <ErrorBox error={versions.error} onRetry={() => void versions.refetch()} />
      {versions.data?.length === 0 && <EmptyState title={t('versions.none')}>{t('versions.noneText')}</EmptyState>}
      {sorted.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="version-list">
            <thead>
              <tr>
                <th>{t('versions.compare')}</th>
                <th>{t('versions.version')}</th>
                <th>{t('versions.saved')}</th>
                <th>{t('versions.by')}</th>
                <th>{t('versions.notes')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version_number}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('versions.compareVersion', { n: v.version_number })}
                      checked={picked.includes(v.version_number)}
                      onChange={() => toggle(v.version_number)}
                    />
                  </td>
                  <td>
                    v{v.version_number}{' '}
                    {v.version_number === latest && <span className="badge badge-success">current</span>}
                  </td>
                  <td>{formatDateTime(v.created_date)}</td>
                  <td>{v.created_by?.name || v.created_by?.username || '—'}</td>
                  <td>{v.change_notes || '—'}</td>
                  <td>
                    {v.version_number !== latest && (
                      <button type="button" className="button button-small" onClick={() => setRollingBack(v)}>
                        {t('versions.rollBackToThis')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {picked.length === 1 && <p className="muted">{t('versions.tickOneMore')}</p>}
      {compared && <VersionCompare older={compared[0]} newer={compared[1]} />}
      {rollingBack && (
        <ConfirmDialog
          title={t('versions.rollBackTitle', { n: rollingBack.version_number })}
          message={t('versions.rollBackMessage')}
          confirmLabel={t('versions.rollBack')}
          busy={rollback.isPending}
          onConfirm={() => rollback.mutate(rollingBack)}
          onCancel={() => setRollingBack(null)}
        />
      )}
    </div>
  )
}
