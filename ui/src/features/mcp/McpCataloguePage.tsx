import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { describeServer, mcpApi, parseCommandLine } from '../../api/mcp'
import { useAuth } from '../../auth/AuthContext'
import { EmptyState, ErrorBox, Field, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { useTranslation } from 'react-i18next'

/** The MCP catalogue: system, public and your own server configurations; add and remove your own. */
export default function McpCataloguePage() {
  const { me } = useAuth()
  const toast = useToast()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const { t } = useTranslation()
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
    if (!name.trim()) return setFormError(t('mcp.nameNeeded'))
    if (!target.trim()) return setFormError(t('mcp.targetNeeded'))
    setFormError(null)
    create.mutate()
  }

  const entries = list.data?.configs ?? []
  return (
    <div className="page">
      <PageHeader title={t('nav.mcp')} subtitle={t('mcp.subtitle')} />
      <input
        type="search"
        placeholder={t('mcp.search')}
        aria-label={t('mcp.searchLabel')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        style={{ marginBottom: '0.75rem' }}
        data-testid="mcp-search"
      />
      {list.isLoading && <Spinner />}
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {!list.isLoading && entries.length === 0 && <EmptyState title={t('mcp.noMatch')} />}
      <ul className="list" data-testid="mcp-catalogue">
        {entries.map((c) => (
          <li key={c.id} className="card" style={{ marginBottom: '0.5rem' }} data-testid={`mcp-entry-${c.name}`}>
            <div className="row">
              <strong className="grow">{c.name}</strong>
              {c.is_system && <span className="badge badge-info">{t('mcp.system')}</span>}
              {c.is_public && !c.is_system && <span className="badge">{t('mcp.public')}</span>}
              {!c.is_active && <span className="badge">{t('mcp.inactive')}</span>}
              {c.user_id === me?.user_id && !c.is_system && !c.is_public && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => remove.mutate(c.id)}
                  aria-label={t('conversations.deleteNamed', { name: c.name })}
                >
                  {t('common.delete')}
                </button>
              )}
            </div>
            {c.description && <p className="small">{c.description}</p>}
            <p className="muted small">
              <code>{describeServer(c.config)}</code>
            </p>
            {c.categories.length > 0 && (
              <div className="chips">
                {c.categories.map((cat) => (
                  <span key={cat} className="badge">
                    {cat}
                  </span>
                ))}
              </div>
            )}
            {c.required_env_vars.length > 0 && (
              <p className="muted small">
                {t('mcp.needs', { vars: c.required_env_vars.map((v) => v.name).join(', ') })}
              </p>
            )}
          </li>
        ))}
      </ul>
      <form className="form card" onSubmit={submit} noValidate data-testid="mcp-create">
        <h2>{t('mcp.addServerTitle')}</h2>
        <Field label={t('common.name')} htmlFor="mcp-name">
          <input id="mcp-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="mcp-create-name" />
        </Field>
        <Field label={t('common.description')} htmlFor="mcp-desc">
          <input id="mcp-desc" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field label={t('mcp.target')} htmlFor="mcp-target" hint={t('mcp.targetHint')} error={formError ?? undefined}>
          <input
            id="mcp-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="mcp-create-target"
          />
        </Field>
        <ErrorBox error={create.error ?? remove.error} />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending}
            data-testid="mcp-create-save"
          >
            {create.isPending ? t('mcp.adding') : t('mcp.addServer')}
          </button>
        </div>
      </form>
    </div>
  )
}
