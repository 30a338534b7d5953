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

const summaryOf = (v: AssistantVersion) => ({
  Model: v.llm_model_type ?? '—',
  Temperature: v.temperature == null ? 'default' : String(v.temperature),
  Tools: (v.toolkits ?? []).flatMap((t) => t.tools.map((x) => x.label || x.name)).join(', ') || '—',
  Datasources: (v.context ?? []).map((c) => c.name).join(', ') || '—',
  'Prompt variables': (v.prompt_variables ?? []).map((p) => p.key).join(', ') || '—',
  Description: v.description ?? '—',
})

export function VersionCompare({ older, newer }: { older: AssistantVersion; newer: AssistantVersion }) {
  const a = summaryOf(older)
  const b = summaryOf(newer)
  const lines = useMemo(() => diffLines(older.system_prompt ?? '', newer.system_prompt ?? ''), [older, newer])
  const changedPrompt = lines.some((l) => l.kind !== 'same')
  return (
    <section className="card" aria-label="Comparison" data-testid="version-compare">
      <h2>Version {older.version_number} → {newer.version_number}</h2>
      <div className="table-wrap">
        <table className="table">
          <thead><tr><th>Setting</th><th>v{older.version_number}</th><th>v{newer.version_number}</th></tr></thead>
          <tbody>
            {(Object.keys(a) as (keyof typeof a)[]).map((k) => (
              <tr key={k} style={a[k] !== b[k] ? { fontWeight: 600 } : undefined}>
                <td>{k}{a[k] !== b[k] && <span className="badge badge-info" style={{ marginLeft: '0.4rem' }}>changed</span>}</td>
                <td>{a[k]}</td>
                <td>{b[k]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3 style={{ marginTop: '1rem' }}>System prompt {changedPrompt ? '' : '(unchanged)'}</h3>
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
  const queryClient = useQueryClient()
  const assistant = useQuery({ queryKey: ['assistant', assistantId], queryFn: () => assistantsApi.get(assistantId) })
  const versions = useQuery({ queryKey: ['assistant-versions', assistantId], queryFn: () => assistantsApi.versions(assistantId) })
  const [picked, setPicked] = useState<number[]>([])
  const [rollingBack, setRollingBack] = useState<AssistantVersion | null>(null)

  const sorted = useMemo(() => [...(versions.data ?? [])].sort((a, b) => b.version_number - a.version_number), [versions.data])
  const latest = sorted[0]?.version_number
  const compared = picked.length === 2 ? picked.map((n) => sorted.find((v) => v.version_number === n)!).sort((a, b) => a.version_number - b.version_number) : null

  const rollback = useMutation({
    mutationFn: (v: AssistantVersion) => assistantsApi.rollback(assistantId, v.version_number, `Rolled back to version ${v.version_number}`),
    onSuccess: (_d, v) => {
      toast.info(`Rolled back to version ${v.version_number}. A new version was created.`)
      setRollingBack(null)
      setPicked([])
      void queryClient.invalidateQueries({ queryKey: ['assistant-versions', assistantId] })
      void queryClient.invalidateQueries({ queryKey: ['assistant', assistantId] })
      void queryClient.invalidateQueries({ queryKey: ['assistants'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const toggle = (n: number) =>
    setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]))

  return (
    <div className="page">
      <PageHeader
        title={`Versions${assistant.data ? ` of ${assistant.data.name}` : ''}`}
        subtitle="Every save creates a version. Tick two to compare them; roll back to restore an earlier one."
        actions={<Link className="button" to={`/assistants/${assistantId}/edit`}>Edit assistant</Link>}
      />
      {versions.isLoading && <Spinner />}
      <ErrorBox error={versions.error} onRetry={() => void versions.refetch()} />
      {versions.data?.length === 0 && <EmptyState title="No versions yet">Versions appear after the assistant is saved.</EmptyState>}
      {sorted.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="version-list">
            <thead><tr><th>Compare</th><th>Version</th><th>Saved</th><th>By</th><th>Notes</th><th /></tr></thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version_number}>
                  <td>
                    <input type="checkbox" aria-label={`Compare version ${v.version_number}`} checked={picked.includes(v.version_number)} onChange={() => toggle(v.version_number)} />
                  </td>
                  <td>v{v.version_number} {v.version_number === latest && <span className="badge badge-success">current</span>}</td>
                  <td>{v.created_date ? new Date(v.created_date).toLocaleString() : '—'}</td>
                  <td>{v.created_by?.name || v.created_by?.username || '—'}</td>
                  <td>{v.change_notes || '—'}</td>
                  <td>
                    {v.version_number !== latest && (
                      <button type="button" className="button button-small" onClick={() => setRollingBack(v)}>Roll back to this</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {picked.length === 1 && <p className="muted">Tick one more version to compare.</p>}
      {compared && <VersionCompare older={compared[0]} newer={compared[1]} />}
      {rollingBack && (
        <ConfirmDialog
          title={`Roll back to version ${rollingBack.version_number}?`}
          message="The assistant's settings become those of that version. This is saved as a new version, so you can undo it."
          confirmLabel="Roll back"
          busy={rollback.isPending}
          onConfirm={() => rollback.mutate(rollingBack)}
          onCancel={() => setRollingBack(null)}
        />
      )}
    </div>
  )
}
