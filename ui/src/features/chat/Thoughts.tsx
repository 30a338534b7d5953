import { memo } from 'react'
import type { ThoughtNode } from './answer'

function ThoughtItem({ node }: { node: ThoughtNode }) {
  const label = node.authorName || 'Tool'
  return (
    <details className="thought" data-testid="thought" open={node.inProgress || undefined}>
      <summary>
        <strong>{label}</strong>
        {node.inProgress ? (
          <span className="badge badge-info">running…</span>
        ) : node.error ? (
          <span className="badge badge-danger">failed</span>
        ) : (
          <span className="badge badge-success">done</span>
        )}
      </summary>
      <div className="thought-body">
        {node.input && (
          <>
            <div className="muted small">Input</div>
            <pre>{node.input}</pre>
          </>
        )}
        {node.message && (
          <>
            <div className="muted small">Output</div>
            <pre>{node.message}</pre>
          </>
        )}
        {!node.input && !node.message && <div className="muted small">No details yet.</div>}
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
  if (thoughts.length === 0) return null
  return (
    <div className="thoughts" aria-label="Tool calls">
      {thoughts.map((t) => (
        <ThoughtItem key={t.id} node={t} />
      ))}
    </div>
  )
})
