import { useMemo, useState } from 'react'
import type { WorkflowYamlVersion } from '../../api/types'
import { diffLines } from '../../lib/diff'
import { when } from './status'
import { useTranslation } from 'react-i18next'
import i18n from '../../i18n'
import { formatNumber } from '../../i18n/format'

function VersionDiff({ older, current }: { older: string; current: string }) {
  const lines = useMemo(() => diffLines(older, current), [older, current])
  if (!lines.some((l) => l.kind !== 'same')) return <p className="muted small">{i18n.t('yamlHistory.same')}</p>
  return (
    <div className="diff" data-testid="yaml-version-diff">
      {lines.map((l, i) => (
        <div key={i} className={`diff-line${l.kind === 'add' ? ' diff-add' : l.kind === 'del' ? ' diff-del' : ''}`}>
          {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}
          {l.text}
        </div>
      ))}
    </div>
  )
}

/** The saved YAMLs of a workflow, newest first: each compared with the editor, and one click to open it there. */
export function YamlHistory({
  versions,
  current,
  onOpen,
}: {
  versions: WorkflowYamlVersion[]
  current: string
  onOpen?: (yaml: string) => void
}) {
  const [shown, setShown] = useState<number | null>(null)
  const { t } = useTranslation()
  if (versions.length === 0) return null
  return (
    <details className="card" data-testid="yaml-history">
      <summary>
        <strong>{t('yamlHistory.title')}</strong>{' '}
        <span className="muted small">{t('yamlHistory.saved', { n: formatNumber(versions.length) })}</span>
      </summary>
      <ol className="list" style={{ padding: 0, marginTop: '0.5rem' }}>
        {versions.map((v, i) => (
          <li key={`${v.date}-${i}`} className="form" style={{ gap: '0.4rem' }} data-testid="yaml-version">
            <div className="row">
              <span className="small">{when(v.date)}</span>
              {v.created_by?.name && (
                <span className="muted small">{t('workflows.by', { name: v.created_by.name })}</span>
              )}
              {v.yaml_config === current && <span className="badge badge-info">{t('yamlHistory.inEditor')}</span>}
              <span className="grow" />
              <button
                type="button"
                className="button button-small"
                onClick={() => setShown(shown === i ? null : i)}
                aria-expanded={shown === i}
              >
                {shown === i ? t('yamlHistory.hide') : t('versions.compare')}
              </button>
              {onOpen && v.yaml_config !== current && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onOpen(v.yaml_config)}
                  data-testid="yaml-version-open"
                >
                  {t('yamlHistory.open')}
                </button>
              )}
            </div>
            {shown === i && <VersionDiff older={v.yaml_config} current={current} />}
          </li>
        ))}
      </ol>
    </details>
  )
}
