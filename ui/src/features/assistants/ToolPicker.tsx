import { useState } from 'react'
import type { ToolKit } from '../../api/types'
import { ErrorBox, Spinner } from '../../components/ui'
import { toolKey } from './form'

interface Props {
  toolkits: ToolKit[]
  loading: boolean
  error: unknown
  selected: string[]
  onChange: (selected: string[]) => void
}

/** The integration types a toolkit's tools need (each once). */
const needs = (tk: ToolKit): string[] => [...new Set(tk.tools.map((t) => t.credential_type).filter((c): c is string => Boolean(c)))]

/** Toolkits and their tools as grouped checkboxes, with a filter for long catalogues. */
export function ToolPicker({ toolkits, loading, error, selected, onChange }: Props) {
  const [filter, setFilter] = useState('')
  const q = filter.trim().toLowerCase()
  const toggle = (key: string, on: boolean) => onChange(on ? [...selected, key] : selected.filter((k) => k !== key))
  const shown = toolkits
    .map((tk) => ({
      ...tk,
      tools: tk.tools.filter((t) => !q || `${tk.toolkit} ${tk.label ?? ''} ${t.name} ${t.label ?? ''}`.toLowerCase().includes(q)),
    }))
    .filter((tk) => tk.tools.length > 0)
  return (
    <fieldset data-testid="assistant-tools">
      <legend>Tools {selected.length > 0 && <span className="badge badge-info">{selected.length} selected</span>}</legend>
      {loading && <Spinner />}
      <ErrorBox error={error} />
      {!loading && !error && toolkits.length === 0 && <p className="muted small">This server offers no tools yet.</p>}
      {toolkits.length > 6 && (
        <input type="search" placeholder="Filter tools" aria-label="Filter tools" value={filter} onChange={(e) => setFilter(e.target.value)} style={{ marginBottom: '0.5rem' }} />
      )}
      {shown.map((tk) => {
        const keys = tk.tools.map((t) => toolKey(tk.toolkit, t.name))
        const all = keys.every((k) => selected.includes(k))
        return (
          <div key={tk.toolkit} style={{ marginBottom: '0.6rem' }}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={all}
                onChange={(e) => onChange(e.target.checked ? [...new Set([...selected, ...keys])] : selected.filter((k) => !keys.includes(k)))}
              />
              <strong>{tk.label || tk.toolkit}</strong>
              {needs(tk).map((type) => (
                <span key={type} className="badge" data-testid={`toolkit-needs-${tk.toolkit}`}>
                  needs a {type} integration
                </span>
              ))}
              {tk.settings_config && needs(tk).length === 0 && <span className="badge">needs an integration</span>}
            </label>
            <div className="chips" style={{ marginLeft: '1.5rem', marginTop: '0.3rem' }}>
              {tk.tools.map((t) => {
                const key = toolKey(tk.toolkit, t.name)
                return (
                  <label key={key} className="checkbox chip" title={[t.user_description, t.credential_type && `Integration: ${t.credential_type}`].filter(Boolean).join('\n') || undefined}>
                    <input type="checkbox" checked={selected.includes(key)} onChange={(e) => toggle(key, e.target.checked)} data-testid={`tool-${tk.toolkit}-${t.name}`} />
                    {t.label || t.name}
                  </label>
                )
              })}
            </div>
          </div>
        )
      })}
    </fieldset>
  )
}
