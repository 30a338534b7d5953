import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { describeServer, mcpApi, parseCommandLine } from '../../api/mcp'
import { useAuth } from '../../auth/AuthContext'
import { EmptyState, ErrorBox, Field, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'

/** The MCP catalogue: system, public and your own server configurations; add and remove your own. */
export default function McpCataloguePage() {
  const { me } = useAuth()
  const toast = useToast()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const list = useQuery({ queryKey: ['mcp-configs', search], queryFn: () => mcpApi.list(0, 100, search.trim()) })
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [target, setTarget] = useState('')
  const [formError, setFormError] = useState<string | null>(null)

  const create = useMutation({
    mutationFn: () => {
      const line = target.trim()
      const config = /^https?:\/\//.test(line) ? { url: line, type: 'streamable-http' } : parseCommandLine(line)
      return mcpApi.create({ name: name.trim(), description: description.trim() || undefined, categories: [], config })
    },
    onSuccess: async (entry) => {
      toast.info(`${entry.name} added to the catalogue.`)
      setName('')
      setDescription('')
      setTarget('')
      await queryClient.invalidateQueries({ queryKey: ['mcp-configs'] })
    },
  })
  const remove = useMutation({
    mutationFn: (id: string) => mcpApi.remove(id),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: ['mcp-configs'] }),
  })

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) return setFormError('Give the server a name.')
    if (!target.trim()) return setFormError('Give the command line or the URL of the server.')
    setFormError(null)
    create.mutate()
  }

  const entries = list.data?.configs ?? []
  return (
    <div className="page">
      <PageHeader title="MCP servers" subtitle="Model Context Protocol servers assistants can use. System entries run with nothing to install." />
      <input type="search" placeholder="Search" aria-label="Search MCP servers" value={search} onChange={(e) => setSearch(e.target.value)} style={{ marginBottom: '0.75rem' }} data-testid="mcp-search" />
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {!list.isLoading && entries.length === 0 && <EmptyState title="No MCP servers match." />}
      <ul className="list" data-testid="mcp-catalogue">
        {entries.map((c) => (
          <li key={c.id} className="card" style={{ marginBottom: '0.5rem' }} data-testid={`mcp-entry-${c.name}`}>
            <div className="row">
              <strong className="grow">{c.name}</strong>
              {c.is_system && <span className="badge badge-info">system</span>}
              {c.is_public && !c.is_system && <span className="badge">public</span>}
              {!c.is_active && <span className="badge">inactive</span>}
              {c.user_id === me?.user_id && !c.is_system && !c.is_public && (
                <button type="button" className="button button-small" onClick={() => remove.mutate(c.id)} aria-label={`Delete ${c.name}`}>Delete</button>
              )}
            </div>
            {c.description && <p className="small">{c.description}</p>}
            <p className="muted small"><code>{describeServer(c.config)}</code></p>
            {c.categories.length > 0 && <div className="chips">{c.categories.map((cat) => <span key={cat} className="badge">{cat}</span>)}</div>}
            {c.required_env_vars.length > 0 && (
              <p className="muted small">Needs: {c.required_env_vars.map((v) => v.name).join(', ')} (from an MCP integration)</p>
            )}
          </li>
        ))}
      </ul>
      <form className="form card" onSubmit={submit} noValidate data-testid="mcp-create">
        <h2>Add a server</h2>
        <Field label="Name" htmlFor="mcp-name">
          <input id="mcp-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="mcp-create-name" />
        </Field>
        <Field label="Description" htmlFor="mcp-desc">
          <input id="mcp-desc" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field label="Command line or URL" htmlFor="mcp-target" hint="A command must be on MCP Connect's allow-list (npx, uvx, …); a URL is a streamable-HTTP server." error={formError ?? undefined}>
          <input id="mcp-target" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="mcp-create-target" />
        </Field>
        <ErrorBox error={create.error ?? remove.error} />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="mcp-create-save">{create.isPending ? 'Adding…' : 'Add server'}</button>
        </div>
      </form>
    </div>
  )
}
