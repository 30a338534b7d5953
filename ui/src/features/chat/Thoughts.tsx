import { memo } from 'react'
import type { ThoughtNode } from './answer'
import { useTranslation } from 'react-i18next'

function ThoughtItem({ node }: { node: ThoughtNode }) {
  const { t } = useTranslation()
  const label = node.authorName || t('thoughts.tool')
  return (
    <details className="thought" data-testid="thought" open={node.inProgress || undefined}>
      <summary>
        <strong>{label}</strong>
        {node.inProgress ? (
          <span className="badge badge-info">{t('thoughts.running')}</span>
        ) : node.error ? (
          <span className="badge badge-danger">{t('thoughts.failed')}</span>
        ) : (
          <span className="badge badge-success">{t('thoughts.done')}</span>
        )}
      </summary>
      <div className="thought-body">
        {node.input && (
          <>
            <div className="muted small">{t('thoughts.input')}</div>
            <pre>{node.input}</pre>
          </>
        )}
        {node.message && (
          <>
            <div className="muted small">{t('thoughts.output')}</div>
            <pre>{node.message}</pre>
          </>
        )}
        {!node.input && !node.message && <div className="muted small">{t('thoughts.noDetails')}</div>}
        {node.children.length > 0 && (
          <div className="thought-children">
            {node.children.map((c) => (
              <ThoughtItem key={c.id} node={c} />
            ))}
          </div>
        )}
      </div>
    </details>
  )
}

/** Tool calls and reasoning steps, live while the answer streams; each expands to show input and output. */
export const Thoughts = memo(function Thoughts({ thoughts }: { thoughts: ThoughtNode[] }) {
  const { t } = useTranslation()
  if (thoughts.length === 0) return null
  return (
    <div className="thoughts" aria-label={t('thoughts.label')}>
      {thoughts.map((node) => (
        <ThoughtItem key={node.id} node={node} />
      ))}
    </div>
  )
})
