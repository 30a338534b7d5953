import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { describeServer, mcpApi, parseCommandLine, type McpServer } from '../../api/mcp'
import { describeError } from '../../api/errors'
import { ErrorBox } from '../../components/ui'
import { useTranslation } from 'react-i18next'
import { formatNumber } from '../../i18n/format'

interface Props {
  servers: McpServer[]
  onChange: (servers: McpServer[]) => void
}

type TestState = { status: 'running' } | { status: 'ok'; tools: string[] } | { status: 'failed'; message: string }

/** The assistant's MCP servers: add one from the catalogue or by command line / URL, test it, remove it. */
export function McpServersField({ servers, onChange }: Props) {
  const catalogue = useQuery({ queryKey: ['mcp-configs'], queryFn: () => mcpApi.list(0, 100) })
  const [picked, setPicked] = useState('')
  const { t } = useTranslation()
  const [custom, setCustom] = useState('')
  const [tests, setTests] = useState<Record<string, TestState>>({})
  const active = (catalogue.data?.configs ?? []).filter((c) => c.is_active)

  const uniqueName = (base: string) => {
    let name = base
    for (let n = 2; servers.some((s) => s.name === name); n++) name = `${base} ${n}`
    return name
  }

  const addFromCatalogue = () => {
    const entry = active.find((c) => c.id === picked)
    if (!entry) return
    onChange([
      ...servers,
      {
        name: uniqueName(entry.name),
        description: entry.description,
        enabled: true,
        mcp_config_id: entry.id,
        config: entry.config ?? null,
      },
    ])
    setPicked('')
  }

  const addCustom = () => {
    const line = custom.trim()
    if (!line) return
    const isUrl = /^https?:\/\//.test(line)
    const { command, args } = parseCommandLine(line)
    const config = isUrl ? { url: line, type: 'streamable-http' } : { command, args }
    onChange([
      ...servers,
      { name: uniqueName(isUrl ? new URL(line).host : command), enabled: true, use_custom_config: true, config },
    ])
    setCustom('')
  }

  const test = async (server: McpServer) => {
    setTests((all) => ({ ...all, [server.name]: { status: 'running' } }))
    try {
      const kits = await mcpApi.tools(server)
      setTests((all) => ({
        ...all,
        [server.name]: { status: 'ok', tools: kits.flatMap((k) => k.tools.map((tool) => tool.name)) },
      }))
    } catch (err) {
      setTests((all) => ({ ...all, [server.name]: { status: 'failed', message: describeError(err) } }))
    }
  }

  return (
    <fieldset data-testid="assistant-mcp-servers">
      <legend>{t('nav.mcp')}</legend>
      <p className="muted small">{t('mcp.fieldHint')}</p>
      {servers.map((server, i) => {
        const state = tests[server.name]
        return (
          <div
            key={server.name}
            className="card"
            style={{ marginBottom: '0.5rem', padding: '0.6rem' }}
            data-testid={`mcp-server-${server.name}`}
          >
            <div className="row">
              <label className="checkbox grow">
                <input
                  type="checkbox"
                  checked={server.enabled !== false}
                  onChange={(e) => onChange(servers.map((s, j) => (j === i ? { ...s, enabled: e.target.checked } : s)))}
                  aria-label={t('mcp.enable', { name: server.name })}
                />
                <strong>{server.name}</strong> <span className="muted small">{describeServer(server.config)}</span>
              </label>
              <button
                type="button"
                className="button button-small"
                onClick={() => void test(server)}
                disabled={state?.status === 'running'}
                data-testid={`mcp-test-${server.name}`}
              >
                {state?.status === 'running' ? t('integrationForm.testing') : t('mcp.test')}
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => onChange(servers.filter((_, j) => j !== i))}
                aria-label={t('composer.remove', { name: server.name })}
              >
                {t('projects.remove')}
              </button>
            </div>
            {state?.status === 'ok' && (
              <p className="small" role="status" data-testid={`mcp-tools-${server.name}`}>
                {t('mcp.tools', {
                  count: state.tools.length,
                  n: formatNumber(state.tools.length),
                  list: state.tools.join(', '),
                })}
              </p>
            )}
            {state?.status === 'failed' && (
              <p className="field-message" role="alert" data-testid={`mcp-error-${server.name}`}>
                {state.message}
              </p>
            )}
          </div>
        )
      })}
      <ErrorBox error={catalogue.error} />
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <select
          aria-label={t('mcp.fromCatalogue')}
          className="grow"
          value={picked}
          onChange={(e) => setPicked(e.target.value)}
          data-testid="mcp-catalogue-select"
        >
          <option value="">{t('mcp.chooseCatalogue')}</option>
          {active.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.is_system ? t('mcp.systemSuffix') : ''}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-small"
          onClick={addFromCatalogue}
          disabled={!picked}
          data-testid="mcp-add-catalogue"
        >
          {t('mcp.add')}
        </button>
      </div>
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <input
          aria-label={t('mcp.customLabel')}
          className="grow"
          placeholder="npx -y @modelcontextprotocol/server-memory  or  https://host/mcp"
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
          data-testid="mcp-custom-input"
        />
        <button
          type="button"
          className="button button-small"
          onClick={addCustom}
          disabled={!custom.trim()}
          data-testid="mcp-add-custom"
        >
          {t('mcp.add')}
        </button>
      </div>
    </fieldset>
  )
}
