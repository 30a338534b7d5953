import { useState } from 'react'
import type { ToolKit } from '../../api/types'
import { ErrorBox, Spinner } from '../../components/ui'
import { toolKey } from './form'
import { useTranslation } from 'react-i18next'
import { formatNumber } from '../../i18n/format'

interface Props {
  toolkits: ToolKit[]
  loading: boolean
  error: unknown
  selected: string[]
  onChange: (selected: string[]) => void
}

/** The integration types a toolkit's tools need (each once). */
const needs = (tk: ToolKit): string[] => [
  ...new Set(tk.tools.map((t) => t.credential_type).filter((c): c is string => Boolean(c))),
]

/** Toolkits and their tools as grouped checkboxes, with a filter for long catalogues. */
export function ToolPicker({ toolkits, loading, error, selected, onChange }: Props) {
  const [filter, setFilter] = useState('')
  const { t } = useTranslation()
  const q = filter.trim().toLowerCase()
  const toggle = (key: string, on: boolean) => onChange(on ? [...selected, key] : selected.filter((k) => k !== key))
  const shown = toolkits
    .map((tk) => ({
      ...tk,
      tools: tk.tools.filter(
        (tool) => !q || `${tk.toolkit} ${tk.label ?? ''} ${tool.name} ${tool.label ?? ''}`.toLowerCase().includes(q),
      ),
    }))
    .filter((tk) => tk.tools.length > 0)
  return (
    <fieldset data-testid="assistant-tools">
      <legend>
        {t('versions.tools')}{' '}
        {selected.length > 0 && (
          <span className="badge badge-info">{t('tools.selected', { n: formatNumber(selected.length) })}</span>
        )}
      </legend>
      {loading && <Spinner />}
      <ErrorBox error={error} />
      {!loading && !error && toolkits.length === 0 && <p className="muted small">{t('tools.none')}</p>}
      {toolkits.length > 6 && (
        <input
          type="search"
          placeholder={t('tools.filter')}
          aria-label={t('tools.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ marginBottom: '0.5rem' }}
        />
      )}
      {shown.map((tk) => {
        const keys = tk.tools.map((tool) => toolKey(tk.toolkit, tool.name))
        const all = keys.every((k) => selected.includes(k))
        return (
          <div key={tk.toolkit} style={{ marginBottom: '0.6rem' }}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={all}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? [...new Set([...selected, ...keys])] : selected.filter((k) => !keys.includes(k)),
                  )
                }
              />
              <strong>{tk.label || tk.toolkit}</strong>
              {needs(tk).map((type) => (
                <span key={type} className="badge" data-testid={`toolkit-needs-${tk.toolkit}`}>
                  {t('tools.needsA', { type })}
                </span>
              ))}
              {tk.settings_config && needs(tk).length === 0 && <span className="badge">{t('tools.needs')}</span>}
            </label>
            <div className="chips" style={{ marginLeft: '1.5rem', marginTop: '0.3rem' }}>
              {tk.tools.map((tool) => {
                const key = toolKey(tk.toolkit, tool.name)
                return (
                  <label
                    key={key}
                    className="checkbox chip"
                    title={
                      [
                        tool.user_description,
                        tool.credential_type && t('tools.integration', { type: tool.credential_type }),
                      ]
                        .filter(Boolean)
                        .join('\n') || undefined
                    }
                  >
                    <input
                      type="checkbox"
                      checked={selected.includes(key)}
                      onChange={(e) => toggle(key, e.target.checked)}
                      data-testid={`tool-${tk.toolkit}-${tool.name}`}
                    />
                    {tool.label || tool.name}
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
